import { InvalidArgumentError, NDArray, Operation, Tensor } from '../../graph/ir/index.js';
import { isTensorConvertible, TensorLike } from '../builder.js';

/**
 * TF's nest for control-flow builders: a structure is a leaf (a tensor-like value or an
 * Operation), an array of structures or a plain record of structures. Leaves are flattened in
 * order (records by sorted key, as TF sorts dict keys) and packed back into the same shape.
 */
export type Leaf = TensorLike | Operation;
export type Structure = Leaf | readonly Structure[] | { readonly [key: string]: Structure };

/**
 * A structure with tensors at its leaves, the type of what tg.cond and tg.whileLoop return: each
 * tensor-like leaf becomes a Tensor, an Operation stays one.
 */
export type TensorStructure<S> = S extends Tensor | Operation
  ? S
  : S extends number | boolean | { toTensor(): Tensor } | NDArray | ArrayBufferView
    ? Tensor
    : S extends readonly unknown[]
      ? { -readonly [K in keyof S]: TensorStructure<S[K]> }
      : S extends object
        ? { -readonly [K in keyof S]: TensorStructure<S[K]> }
        : Tensor;

function isLeaf(s: unknown): boolean {
  if (s instanceof Tensor || s instanceof Operation || isTensorConvertible(s)) return true;
  if (typeof s === 'number' || typeof s === 'boolean' || ArrayBuffer.isView(s)) return true;
  if (typeof s === 'object' && s !== null && !Array.isArray(s) && Object.getPrototypeOf(s) !== Object.prototype) return true;
  // a nested array of numbers is one literal tensor, not a list of structures
  return Array.isArray(s) && s.length > 0 && s.every((x) => typeof x === 'number' || typeof x === 'boolean' || (Array.isArray(x) && isLeaf(x)));
}

export function flatten(s: Structure): Leaf[] {
  if (isLeaf(s)) return [s as Leaf];
  if (Array.isArray(s)) return (s as readonly Structure[]).flatMap(flatten);
  const rec = s as { readonly [key: string]: Structure };
  return Object.keys(rec)
    .sort()
    .flatMap((k) => flatten(rec[k]));
}

/** `flat` laid out as `like` (the inverse of flatten). */
export function pack<T>(like: Structure, flat: readonly T[]): unknown {
  let at = 0;
  const go = (s: Structure): unknown => {
    if (isLeaf(s)) return flat[at++];
    if (Array.isArray(s)) return (s as readonly Structure[]).map(go);
    const rec = s as { readonly [key: string]: Structure };
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(rec).sort()) out[k] = go(rec[k]);
    return out;
  };
  const r = go(like);
  if (at !== flat.length) throw new InvalidArgumentError(`nest.pack: structure has ${at} leaves, got ${flat.length} values`);
  return r;
}

/** Same nesting (arrays of equal length, records with equal keys), or TF's message naming `what`. */
export function assertSameStructure(a: Structure, b: Structure, what: string): void {
  const shape = (s: Structure): string => {
    if (isLeaf(s)) return '.';
    if (Array.isArray(s)) return `[${(s as readonly Structure[]).map(shape).join(',')}]`;
    const rec = s as { readonly [key: string]: Structure };
    return `{${Object.keys(rec)
      .sort()
      .map((k) => `${k}:${shape(rec[k])}`)
      .join(',')}}`;
  };
  if (shape(a) !== shape(b)) throw new InvalidArgumentError(`${what} do not have the same nested structure: ${shape(a)} vs ${shape(b)}`);
}
