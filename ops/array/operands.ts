import { Graph, InvalidArgumentError, PartialShape, Tensor } from '../../graph/ir/index.js';
import { int32Literal, makeConst, TensorLike, toTensor } from '../builder.js';
import { cast } from './cast.js';
import { shape as shapeOp } from './reshape.js';
import type { InputSpec } from '../op_def.js';
import { intVector } from '../kernel_util.js';

/** An integer operand (axis, begin, size, multiples, paddings…): JS numbers or a tensor. */
export type IntOperand = number | readonly number[] | readonly (readonly number[])[] | TensorLike;

/** An int32 Const holding `v` (a scalar for a number, else a vector). */
export function int32Const(v: number | readonly number[], graph: Graph, name = 'Const'): Tensor {
  return makeConst(int32Literal(v, name), name, graph);
}

/** Turns a JS integer literal into an int32 Const; tensors (int32 or int64) pass through. */
export function intOperand(v: IntOperand, graph: Graph, name = 'Const'): Tensor {
  if (typeof v === 'number') return int32Const(v, graph, name);
  if (Array.isArray(v) && v.every((e) => typeof e === 'number')) return int32Const(v as number[], graph, name);
  return toTensor(v as TensorLike, 'int32', graph, name);
}

/** The int vector an input holds when it is known, else null. */
export function knownInts(spec: InputSpec, what: string): number[] | null {
  return spec.value === null ? null : intVector(spec.value, what);
}

/** A vector of `n` unknown dims, or unknown rank when `n` is unknown. */
export function unknownDims(n: number | null | undefined): PartialShape {
  return n === null || n === undefined ? null : new Array<null>(n).fill(null);
}

/** The static shape of `x` as numbers when every dim is known. */
export function staticShape(x: Tensor): number[] | null {
  const s = x.shape;
  return s !== null && s.every((d) => d !== null) ? (s as number[]) : null;
}

/** x's shape as an int32 tensor: a Const when fully known (so inference downstream sees it), else a Shape op. */
export function shapeTensor(x: Tensor): Tensor {
  const s = staticShape(x);
  return s ? int32Const(s, x.graph, 'Shape') : shapeOp(x);
}

/** An integer tensor as int32 (int64 is held as int32 anyway; this keeps arithmetic dtypes equal). */
export function asInt32(t: Tensor): Tensor {
  return t.dtype === 'int32' ? t : cast(t, 'int32');
}

/** Normalises a possibly negative index against a bound, or throws `message`. */
export function checkedAxis(axis: number, rank: number, message: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new InvalidArgumentError(message);
  return axis < 0 ? axis + rank : axis;
}

/** Product of dims [from, to). */
export function prodOf(shape: readonly number[], from = 0, to = shape.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i];
  return n;
}
