import protobuf from 'protobufjs';

/**
 * Protobuf text format from a plain decoded object, by reflection (test helper: the library reads
 * `.pbtxt` but has no reason to write it). Enums are written as numbers, which the reader accepts.
 */
export function toText(type: protobuf.Type, obj: Record<string, unknown>, indent = ''): string {
  const lines: string[] = [];
  for (const field of type.fieldsArray) {
    const v = obj[field.name];
    if (v === undefined || v === null) continue;
    field.resolve();
    if (field.map) {
      const mf = field as unknown as protobuf.MapField;
      for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
        const key = mf.keyType === 'string' ? quote(new TextEncoder().encode(k)) : k;
        lines.push(`${indent}${field.name} {`, `${indent}  key: ${key}`, ...valueLines('value', field.resolvedType, field.type, val, `${indent}  `), `${indent}}`);
      }
      continue;
    }
    for (const item of field.repeated ? (v as unknown[]) : [v]) lines.push(...valueLines(field.name, field.resolvedType, field.type, item, indent));
  }
  return lines.join('\n');
}

function valueLines(name: string, resolved: protobuf.ReflectionObject | null, kind: string, v: unknown, indent: string): string[] {
  if (resolved instanceof protobuf.Type) {
    const body = toText(resolved, v as Record<string, unknown>, `${indent}  `);
    return [`${indent}${name} {`, ...(body ? [body] : []), `${indent}}`];
  }
  if (kind === 'bytes') return [`${indent}${name}: ${quote(v as Uint8Array)}`];
  if (kind === 'string') return [`${indent}${name}: ${quote(new TextEncoder().encode(v as string))}`];
  const n = v as number | boolean;
  return [`${indent}${name}: ${typeof n === 'number' && Number.isNaN(n) ? 'nan' : n === Infinity ? 'inf' : n === -Infinity ? '-inf' : String(n)}`];
}

function quote(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b < 0x20 || b >= 0x7f) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}"`;
}
