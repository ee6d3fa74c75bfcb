import { ResourceExhaustedError } from '../../../../graph/ir/index.js';
import type { DType, Tensor } from '../../../../graph/ir/index.js';
import type { Handler, NodeContext, VersionedHandlers } from '../context.js';

/** Small builders the operator tables share, so most entries are one line. */

/** One handler for every opset the importer supports. */
export const always = (h: Handler): VersionedHandlers => ({ 1: h });

/** An ONNX op that is one TF op on its inputs in order. */
export const direct = (type: string, attrs?: (ctx: NodeContext) => Record<string, number | boolean | string | number[]>): VersionedHandlers =>
  always((ctx) => ctx.op(type, ctx.node.inputs.map((_n, i) => ctx.input(i)), attrs?.(ctx)));

export function scalar(ctx: NodeContext, v: number, dtype: DType): Tensor {
  return ctx.constant([v], dtype, []);
}

export function int32s(ctx: NodeContext, v: readonly number[]): Tensor {
  return ctx.constant(v, 'int32', [v.length]);
}

/** The static rank of `t`, or a refusal naming `what`. */
export function rankOf(ctx: NodeContext, t: Tensor, what = 'input'): number {
  if (t.shape === null) return ctx.refuse(`the rank of its ${what} must be known at import time`);
  return t.shape.length;
}

/** An ONNX axis (negative counts from the end) checked against `rank`. */
export function normAxis(ctx: NodeContext, axis: number, rank: number, what = 'axis'): number {
  if (axis < -rank || axis >= Math.max(rank, 1)) return ctx.invalid(`${what} ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

export const mul = (ctx: NodeContext, a: Tensor, b: Tensor): Tensor => ctx.op('Mul', [a, b])[0];
export const add = (ctx: NodeContext, a: Tensor, b: Tensor): Tensor => ctx.op('AddV2', [a, b])[0];
export const sub = (ctx: NodeContext, a: Tensor, b: Tensor): Tensor => ctx.op('Sub', [a, b])[0];
export const maximum = (ctx: NodeContext, a: Tensor, b: Tensor): Tensor => ctx.op('Maximum', [a, b])[0];
export const minimum = (ctx: NodeContext, a: Tensor, b: Tensor): Tensor => ctx.op('Minimum', [a, b])[0];

export function transpose(ctx: NodeContext, x: Tensor, perm: readonly number[]): Tensor {
  if (perm.every((p, i) => p === i)) return x;
  return ctx.op('Transpose', [x, int32s(ctx, perm)])[0];
}

export function reshape(ctx: NodeContext, x: Tensor, dims: readonly number[] | Tensor): Tensor {
  return ctx.op('Reshape', [x, Array.isArray(dims) ? int32s(ctx, dims) : (dims as Tensor)])[0];
}

/** The shape of `x` as an int32 tensor (a constant when static). */
export function shapeOf(ctx: NodeContext, x: Tensor): Tensor {
  const s = x.shape;
  if (s !== null && s.every((d) => d !== null)) return int32s(ctx, s as number[]);
  return ctx.op('Shape', [x], { out_type: 'int32' })[0];
}

/**
 * `x` as a matrix [prod(dims[:axis]), prod(dims[axis:])] (ONNX's Flatten, and Softmax before
 * opset 13); dynamic dims are taken from the run-time shape.
 */
export function flatten2D(ctx: NodeContext, x: Tensor, axis: number): Tensor {
  const s = x.shape;
  if (s === null) return ctx.refuse('the rank of its input must be known at import time');
  const prod = (ds: readonly (number | null)[]) => (ds.some((d) => d === null) ? null : (ds as number[]).reduce((a, b) => a * b, 1));
  const outer = prod(s.slice(0, axis));
  const inner = prod(s.slice(axis));
  if (outer !== null || inner !== null) return reshape(ctx, x, [outer ?? -1, inner ?? -1]);
  const shape = shapeOf(ctx, x);
  const part = (b: number, e: number) => ctx.op('Prod', [ctx.op('StridedSlice', [shape, int32s(ctx, [b]), int32s(ctx, [e]), int32s(ctx, [1])])[0], int32s(ctx, [0])], { keep_dims: true })[0];
  const dims = ctx.op('ConcatV2', [part(0, axis), part(axis, s.length), scalar(ctx, 0, 'int32')], { N: 2 })[0];
  return reshape(ctx, x, dims);
}

/** Input `i`'s integer values when known at import time (null when only known at run time). */
export function intsIfKnown(ctx: NodeContext, i: number, what: string): number[] | null {
  return ctx.host(i) ? ctx.ints(i, what) : null;
}

/** Casts unless `x` already has `dtype`. */
export function cast(ctx: NodeContext, x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : ctx.op('Cast', [x], { DstT: dtype, SrcT: x.dtype })[0];
}

export function concat(ctx: NodeContext, values: readonly Tensor[], axis: number): Tensor {
  if (values.length === 1) return values[0];
  return ctx.op('ConcatV2', [...values, scalar(ctx, axis, 'int32')], { N: values.length, Tidx: 'int32' })[0];
}

/**
 * Compositions that unroll (one op per kernel tap or padded row) or build constant tables would
 * let a hostile file ask for billions of ops or bytes; past these sizes the node is refused.
 */
export const MAX_UNROLLED_OPS = 4096;
export const MAX_TABLE_ELEMENTS = 2 ** 24;

export function checkBudget(ctx: NodeContext, n: number, max: number, what: string): void {
  if (n > max) throw new ResourceExhaustedError(`ONNX import of ${ctx.where}: ${what} would need ${n} (more than ${max})`);
}
