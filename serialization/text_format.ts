import protobuf from 'protobufjs';
import { InvalidArgumentError } from '../graph/ir/index.js';
import { TO_OBJECT } from './proto/schema.js';

/**
 * Protobuf text format (`.pbtxt`, the `checkpoint` state file), parsed against the message type by
 * reflection. Unknown fields are an error, as in TF's text parser. Names from the file are looked
 * up as own properties only (`Object.hasOwn`), so `constructor`, `toString` or `__proto__` are
 * unknown names like any other, never members inherited from Object.prototype.
 */
export function parseTextMessage<T>(type: protobuf.Type, text: string, what: string): T {
  const p = new TextParser(text, what);
  const obj = p.message(type, null);
  try {
    return type.toObject(type.fromObject(obj), TO_OBJECT) as T;
  } catch (e) {
    throw new InvalidArgumentError(`${what}: ${(e as Error).message}`);
  }
}

type Obj = { [k: string]: unknown };

class TextParser {
  private pos = 0;
  private depth = 0;
  constructor(
    private readonly s: string,
    private readonly what: string,
  ) {}

  private fail(m: string): never {
    const line = this.s.slice(0, this.pos).split('\n').length;
    throw new InvalidArgumentError(`${this.what}: text proto parse error at line ${line}: ${m}`);
  }

  private skip(): void {
    for (;;) {
      while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
      if (this.s[this.pos] === '#') {
        while (this.pos < this.s.length && this.s[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  private peek(): string {
    this.skip();
    return this.s[this.pos] ?? '';
  }

  private eat(c: string): boolean {
    if (this.peek() === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  private ident(): string {
    this.skip();
    const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(this.s.slice(this.pos, this.pos + 256));
    if (!m) this.fail(`expected a field name, found '${this.s.slice(this.pos, this.pos + 10)}'`);
    this.pos += m[0].length;
    return m[0];
  }

  message(type: protobuf.Type, close: string | null): Obj {
    if (++this.depth > 100) this.fail('nesting too deep');
    const out: Obj = {};
    for (;;) {
      const c = this.peek();
      if (c === '') {
        if (close !== null) this.fail(`expected '${close}'`);
        break;
      }
      if (close !== null && c === close) {
        this.pos++;
        break;
      }
      const name = this.ident();
      const field = Object.hasOwn(type.fields, name) ? type.fields[name] : undefined;
      if (!field) this.fail(`message ${type.name} has no field '${name}'`);
      field.resolve();
      const isMsg = field.resolvedType instanceof protobuf.Type;
      if (field.map) {
        if (!this.eat(':')) {
          // optional colon before a message
        }
        const entry = this.entry(field as unknown as protobuf.MapField);
        // assigning '__proto__' would set a prototype and drop the entry silently
        if (entry[0] === '__proto__') this.fail(`map ${field.name} has a key '__proto__', which is not allowed`);
        const m = (out[name] as Obj | undefined) ?? {};
        m[entry[0]] = entry[1];
        out[name] = m;
      } else {
        const colon = this.eat(':');
        if (!isMsg && !colon) this.fail(`expected ':' after '${name}'`);
        const values: unknown[] = [];
        if (this.eat('[')) {
          if (!this.eat(']')) {
            do values.push(this.value(field)); while (this.eat(','));
            if (!this.eat(']')) this.fail(`expected ']'`);
          }
        } else values.push(this.value(field));
        if (field.repeated) out[name] = [...((out[name] as unknown[]) ?? []), ...values];
        else out[name] = values[values.length - 1];
      }
      this.eat(',') || this.eat(';');
    }
    this.depth--;
    return out;
  }

  private entry(field: protobuf.MapField): [string, unknown] {
    const open = this.peek();
    if (open !== '{' && open !== '<') this.fail(`expected '{' for map field ${field.name}`);
    this.pos++;
    const close = open === '{' ? '}' : '>';
    let key: string | undefined;
    let value: unknown;
    while (!this.eat(close)) {
      if (this.peek() === '') this.fail(`unterminated map entry ${field.name}`);
      const n = this.ident();
      if (n === 'key') {
        this.eat(':');
        key = String(this.scalar(field.keyType, null));
      } else if (n === 'value') {
        const colon = this.eat(':');
        field.resolve();
        if (field.resolvedType instanceof protobuf.Type) value = this.sub(field.resolvedType);
        else {
          if (!colon) this.fail(`expected ':'`);
          value = this.scalar(field.type, field.resolvedType);
        }
      } else this.fail(`map entry has no field '${n}'`);
      this.eat(',') || this.eat(';');
    }
    if (key === undefined) this.fail(`map entry of ${field.name} has no key`);
    return [key, value ?? {}];
  }

  private sub(type: protobuf.Type): Obj {
    const open = this.peek();
    if (open !== '{' && open !== '<') this.fail(`expected '{' for message ${type.name}`);
    this.pos++;
    return this.message(type, open === '{' ? '}' : '>');
  }

  private value(field: protobuf.Field): unknown {
    if (field.resolvedType instanceof protobuf.Type) return this.sub(field.resolvedType);
    return this.scalar(field.type, field.resolvedType);
  }

  private scalar(type: string, resolved: protobuf.ReflectionObject | null): unknown {
    const c = this.peek();
    if (c === '"' || c === "'") {
      let bytes = this.string();
      while (this.peek() === '"' || this.peek() === "'") bytes = concat(bytes, this.string());
      if (type === 'bytes') return bytes;
      if (type === 'string') return new TextDecoder().decode(bytes);
      this.fail(`a string is not a valid ${type}`);
    }
    this.skip();
    const m = /^[-+]?[A-Za-z0-9_.+-]+/.exec(this.s.slice(this.pos, this.pos + 64));
    if (!m) this.fail(`expected a value`);
    const tok = m[0];
    this.pos += tok.length;
    if (resolved instanceof protobuf.Enum) {
      if (Object.hasOwn(resolved.values, tok)) return resolved.values[tok];
      if (/^-?\d+$/.test(tok)) return Number(tok);
      this.fail(`unknown ${resolved.name} value '${tok}'`);
    }
    if (type === 'bool') {
      if (tok === 'true' || tok === 't' || tok === '1') return true;
      if (tok === 'false' || tok === 'f' || tok === '0') return false;
      this.fail(`expected a bool, found '${tok}'`);
    }
    const lower = tok.toLowerCase().replace(/f$/, '');
    let v: number;
    if (/^[-+]?(inf|infinity)$/.test(lower)) v = lower.startsWith('-') ? -Infinity : Infinity;
    else if (/^[-+]?nan$/.test(lower)) v = NaN;
    else if (/^[-+]?0x[0-9a-f]+$/.test(lower)) v = Number.parseInt(lower, 16);
    else v = Number(type === 'float' || type === 'double' ? tok.replace(/[fF]$/, '') : tok);
    if (Number.isNaN(v) && !/nan/.test(lower)) this.fail(`expected a number, found '${tok}'`);
    return v;
  }

  private string(): Uint8Array {
    const q = this.s[this.pos++];
    const out: number[] = [];
    const enc = new TextEncoder();
    while (this.pos < this.s.length && this.s[this.pos] !== q) {
      const ch = this.s[this.pos++];
      if (ch === '\n') this.fail('newline in string');
      if (ch !== '\\') {
        out.push(...enc.encode(ch));
        continue;
      }
      const e = this.s[this.pos++];
      const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63 };
      if (Object.hasOwn(simple, e)) out.push(simple[e]);
      else if (/[0-7]/.test(e)) {
        let oct = e;
        while (oct.length < 3 && /[0-7]/.test(this.s[this.pos] ?? '')) oct += this.s[this.pos++];
        out.push(Number.parseInt(oct, 8) & 0xff);
      } else if (e === 'x') {
        let hex = '';
        while (hex.length < 2 && /[0-9a-fA-F]/.test(this.s[this.pos] ?? '')) hex += this.s[this.pos++];
        if (!hex) this.fail('bad \\x escape');
        out.push(Number.parseInt(hex, 16));
      } else this.fail(`bad escape '\\${e}'`);
    }
    if (this.s[this.pos] !== q) this.fail('unterminated string');
    this.pos++;
    return Uint8Array.from(out);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const o = new Uint8Array(a.length + b.length);
  o.set(a);
  o.set(b, a.length);
  return o;
}

/** Writes the `checkpoint` state file's text (only string fields: simple to write exactly). */
export function quoteText(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b < 0x20 || b >= 0x7f) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out + '"';
}
