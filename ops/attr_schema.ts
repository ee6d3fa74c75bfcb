import { InvalidArgumentError, isDType, NDArray } from '../graph/ir/index.js';
import type { AttrMap } from '../graph/ir/index.js';
import { tfOpDef, type TfAttrKind } from './tf_op_defs.js';

/**
 * Attr values checked against the op's declared attr kinds (TF's op definitions, tf_op_defs.ts)
 * when an op is created, whatever built it: a builder, a GraphDef, a .meta file or a SavedModel.
 * Values reach shape inference, kernels and generated code, so nothing but the declared JS type
 * may pass: a string where a float belongs, an object with a `valueOf`, a fractional int or an
 * unknown dtype name is refused here with the op and attr named.
 */

/** Attrs our ops hold that TF's op of the same name does not (see tf_op_defs.ts notes). */
const OUR_ATTRS: Readonly<Record<string, Readonly<Record<string, TfAttrKind>>>> = {
  // our summary ops hold the tag as an attr: there is no string dtype (TF takes it as input 0)
  ScalarSummary: { tags: 'string' },
  HistogramSummary: { tag: 'string' },
  // carried for symmetry with MaxPoolGrad; export drops it (TF's MaxPoolGradGrad has none)
  MaxPoolGradGrad: { explicit_paddings: 'list(int)' },
};

/** The kind of each attr an op type may carry, or undefined for a type TF does not define. */
export function attrKinds(type: string): ReadonlyMap<string, TfAttrKind> | undefined {
  const tf = tfOpDef(type);
  if (!tf) return undefined;
  const kinds = new Map<string, TfAttrKind>(tf.attrs.map((a) => [a.name, a.kind]));
  for (const [k, v] of Object.entries(OUR_ATTRS[type] ?? {})) kinds.set(k, v);
  return kinds;
}

const isInt = (x: unknown): boolean => typeof x === 'number' && Number.isSafeInteger(x);
const isNum = (x: unknown): boolean => typeof x === 'number';
const listOf = (v: unknown, item: (x: unknown) => boolean): boolean => Array.isArray(v) && v.every(item);

/**
 * Whether `v` is a value of attr kind `kind`. Floats may be NaN or infinite (TF allows them and
 * generated code spells them deliberately); ints are safe integers; shapes are null (unknown
 * rank) or dims that are null (unknown) or integers.
 */
export function fitsKind(kind: TfAttrKind, v: unknown): boolean {
  switch (kind) {
    case 'type': return isDType(v);
    case 'int': return isInt(v);
    case 'float': return isNum(v);
    case 'bool': return typeof v === 'boolean';
    case 'string': return typeof v === 'string';
    case 'shape': return v === null || listOf(v, (d) => d === null || isInt(d));
    case 'tensor': return v instanceof NDArray;
    case 'list(int)': return listOf(v, isInt);
    case 'list(float)': return listOf(v, isNum);
    case 'list(type)': return listOf(v, isDType);
    case 'list(string)': return listOf(v, (x) => typeof x === 'string');
    case 'list(bool)': return listOf(v, (x) => typeof x === 'boolean');
  }
}

/** A short, side-effect-free description of a hostile value (never calls its toString). */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${Object.is(v, -0) ? '-0' : v}`;
  if (v === null) return 'null';
  if (v instanceof NDArray) return `NDArray ${v.dtype}[${v.shape.join(',')}]`;
  if (Array.isArray(v)) {
    // short lists of plain numbers are shown (a shape's bad dim is then visible); nothing else is
    const plain = v.length <= 8 && v.every((x) => x === null || typeof x === 'number');
    return plain ? `list [${v.map((x) => (x === null ? 'null' : Object.is(x, -0) ? '-0' : String(x))).join(',')}]` : `list of ${v.length}`;
  }
  return typeof v;
}

/**
 * Checks every attr of an op of `type`: each must be one the op defines, of its declared kind.
 * Throws InvalidArgumentError starting with `where` (which names the op and its type).
 */
export function checkAttrs(type: string, attrs: AttrMap, where: string): void {
  const kinds = attrKinds(type);
  if (!kinds) return;
  for (const k of Object.keys(attrs)) {
    const kind = kinds.get(k);
    if (kind === undefined) throw new InvalidArgumentError(`${where}: NodeDef mentions attr '${k}' not in Op<name=${type}>`);
    const v: unknown = attrs[k];
    if (!fitsKind(kind, v)) throw new InvalidArgumentError(`${where}: attr '${k}' must be a ${kind}, got ${describeValue(v)}`);
  }
}
