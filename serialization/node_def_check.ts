import { InvalidArgumentError } from '../graph/ir/index.js';
import { tfOpDef, type TfAttrKind, type TfOpDef } from './tf_op_attrs.js';
import type { AttrValueObj, NodeDef } from './types.js';

/**
 * Checks each NodeDef of a file against TF's op definition before anything is built, as TF's
 * importer does: the number of data inputs (list args counted by their number attr: AddN's N,
 * ConcatV2's N, ...), control inputs after data inputs, and every attr's AttrValue case against the
 * attr's declared kind (a string where a float belongs is refused here, naming node and attr).
 * Runs on the NodeDefs as TF writes them (summary tags still inputs).
 */

const LIST_FIELD: Partial<Record<TfAttrKind, keyof NonNullable<AttrValueObj['list']>>> = {
  'list(int)': 'i',
  'list(float)': 'f',
  'list(bool)': 'b',
  'list(string)': 's',
  'list(type)': 'type',
};

const SCALAR_FIELD: Partial<Record<TfAttrKind, keyof AttrValueObj>> = {
  int: 'i',
  float: 'f',
  bool: 'b',
  string: 's',
  type: 'type',
  shape: 'shape',
  tensor: 'tensor',
};

const VALUE_FIELDS: readonly (keyof AttrValueObj)[] = ['s', 'i', 'f', 'b', 'type', 'shape', 'tensor', 'list', 'func', 'placeholder'];

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Which AttrValue case is set, or why the value is not a well-formed AttrValue. */
function setCase(v: unknown): keyof AttrValueObj | string {
  if (!isObject(v)) return `not an AttrValue (${v === null ? 'null' : typeof v})`;
  const set = VALUE_FIELDS.filter((f) => Object.hasOwn(v, f) && v[f] !== undefined && v[f] !== null);
  if (set.length === 0) return 'no value set';
  if (set.length > 1) return `several values set (${set.join(', ')})`;
  return set[0];
}

const CHECK_ITEM: Readonly<Record<string, (x: unknown) => boolean>> = {
  i: (x) => typeof x === 'number' && Number.isSafeInteger(x),
  f: (x) => typeof x === 'number',
  b: (x) => typeof x === 'boolean',
  s: (x) => x instanceof Uint8Array,
  type: (x) => typeof x === 'number' && Number.isInteger(x),
};

/** Why `v` is not an AttrValue of kind `kind`, or null when it is. */
export function attrProtoMismatch(kind: TfAttrKind, v: unknown): string | null {
  const c = setCase(v);
  const value = v as Record<string, unknown>;
  const listField = LIST_FIELD[kind];
  if (listField) {
    if (c !== 'list') return VALUE_FIELDS.includes(c as keyof AttrValueObj) ? `a '${c}' value` : c;
    const list = value.list;
    if (!isObject(list)) return 'a malformed list';
    for (const [f, items] of Object.entries(list)) {
      if (items === undefined || items === null || (Array.isArray(items) && items.length === 0)) continue;
      if (f !== listField) return `a list of '${f}' values`;
      if (!Array.isArray(items) || !items.every(CHECK_ITEM[f])) return `a malformed list of '${f}' values`;
    }
    return null;
  }
  const field = SCALAR_FIELD[kind]!;
  if (c !== field) return VALUE_FIELDS.includes(c as keyof AttrValueObj) ? `a '${c}' value` : c;
  const check = CHECK_ITEM[field];
  if (check && !check(value[field])) return `a malformed '${field}' value`;
  if ((field === 'shape' || field === 'tensor') && !isObject(value[field])) return `a malformed '${field}' value`;
  return null;
}

/** The number of data inputs `tf` takes given the node's attrs, or a reason it cannot be known. */
function expectedInputs(tf: TfOpDef, attr: Record<string, unknown>, given: number, where: string): number {
  let fixed = 0;
  let lists = 0;
  for (const arg of tf.inputs) {
    if (arg.typeListAttr) {
      const types = Object.hasOwn(attr, arg.typeListAttr) ? (attr[arg.typeListAttr] as AttrValueObj).list?.type : undefined;
      lists += Array.isArray(types) ? types.length : Math.max(0, given - fixed);
      continue;
    }
    if (!arg.numberAttr) {
      fixed++;
      continue;
    }
    const n = Object.hasOwn(attr, arg.numberAttr) ? (attr[arg.numberAttr] as AttrValueObj).i : undefined;
    if (n === undefined) {
      // a NodeDef without its count: the list takes the inputs the other args leave (at least one)
      lists += Math.max(1, given - fixed);
      continue;
    }
    if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${where}: attr '${arg.numberAttr}' must be a count, got ${n}`);
    lists += n;
  }
  return fixed + lists;
}

/** Checks one NodeDef's structure, input count and attr kinds against TF's op definition. */
export function checkNodeDef(n: NodeDef, source: string): void {
  const where = `${source}: node '${n.name}' (${n.op})`;
  if (n.input !== undefined && (!Array.isArray(n.input) || !n.input.every((i) => typeof i === 'string'))) {
    throw new InvalidArgumentError(`${where}: inputs must be a list of strings`);
  }
  if (n.attr !== undefined && !isObject(n.attr)) throw new InvalidArgumentError(`${where}: attrs must be a map`);
  if (n.device !== undefined && typeof n.device !== 'string') throw new InvalidArgumentError(`${where}: device must be a string`);
  const inputs = n.input ?? [];
  const firstControl = inputs.findIndex((i) => i.startsWith('^'));
  if (firstControl >= 0 && inputs.slice(firstControl).some((i) => !i.startsWith('^'))) {
    throw new InvalidArgumentError(`${where}: Non-control input after control input in [${inputs.join(', ')}]`);
  }
  const tf = tfOpDef(n.op);
  if (!tf) return;
  const attr: Record<string, unknown> = n.attr ?? {};
  for (const a of tf.attrs) {
    if (!Object.hasOwn(attr, a.name)) continue;
    const why = attrProtoMismatch(a.kind, attr[a.name]);
    if (why !== null) throw new InvalidArgumentError(`${where}: attr '${a.name}' must be a ${a.kind}, got ${why}`);
  }
  const data = firstControl >= 0 ? firstControl : inputs.length;
  const expected = expectedInputs(tf, attr, data, where);
  if (data !== expected) {
    const names = tf.inputs.map((a) => (a.numberAttr ? `${a.name}[${a.numberAttr}]` : a.name)).join(', ');
    throw new InvalidArgumentError(`${where}: expects ${expected} data input${expected === 1 ? '' : 's'} (${names}), got ${data}`);
  }
}
