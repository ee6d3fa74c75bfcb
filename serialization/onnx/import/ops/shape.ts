import type { NodeContext, OpTable, Value } from '../context.js';
import { hostTensor } from '../host_tensor.js';
import type { HostTensor } from '../host_tensor.js';
import { always, cast, concat, flatten2D, int32s, intsIfKnown, normAxis, rankOf, scalar, transpose } from './util.js';

/**
 * Shape manipulation. Shape computations on constants (Shape of a static shape, Concat and
 * Unsqueeze of constants, as exporters emit around Reshape) are folded while importing, so the
 * graph gets static shapes rather than run-time shape arithmetic.
 */

const allHost = (ctx: NodeContext): HostTensor[] | null => {
  const hs = ctx.node.inputs.map((_n, i) => ctx.host(i));
  return hs.every((h) => h !== null) ? (hs as HostTensor[]) : null;
};

/** ONNX Reshape: 0 copies the input's dim (unless allowzero), -1 is inferred. */
function reshapeOp(ctx: NodeContext): Value[] {
  const x = ctx.input(0);
  const allowZero = ctx.opset >= 14 && ctx.attrs.int('allowzero', 0) !== 0;
  const h = intsIfKnown(ctx, 1, 'shape');
  if (h) {
    const dims = h.map((d, i) => {
      if (d !== 0 || allowZero) return d;
      const from = x.shape?.[i];
      return from === undefined || from === null ? null : from;
    });
    if (dims.every((d) => d !== null)) return ctx.op('Reshape', [x, int32s(ctx, dims as number[])]);
  }
  // zeros that copy run-time dims: pick from the input's shape where the target says 0
  const target = cast(ctx, ctx.input(1, { trainable: false }), 'int32');
  if (allowZero) return ctx.op('Reshape', [x, target]);
  const n = target.shape?.[0];
  if (n === null || n === undefined) return ctx.refuse('the length of the shape operand must be known at import time');
  const inShape = ctx.op('Shape', [x], { out_type: 'int32' })[0];
  const rank = rankOf(ctx, x);
  const padded = n > rank ? concat(ctx, [inShape, int32s(ctx, Array(n - rank).fill(1))], 0) : inShape;
  const head = ctx.op('StridedSlice', [padded, int32s(ctx, [0]), int32s(ctx, [n]), int32s(ctx, [1])])[0];
  const isZero = ctx.op('Equal', [target, scalar(ctx, 0, 'int32')])[0];
  return ctx.op('Reshape', [x, ctx.op('SelectV2', [isZero, head, target])[0]]);
}

function unsqueezeAxes(ctx: NodeContext, axes: number[], rank: number): number[] {
  const outRank = rank + axes.length;
  const norm = axes.map((a) => normAxis(ctx, a, outRank, 'axis')).sort((a, b) => a - b);
  if (new Set(norm).size !== norm.length) ctx.invalid(`axes [${axes.join(', ')}] repeat an axis`);
  return norm;
}

function unsqueeze(ctx: NodeContext, axes: number[]): Value[] {
  const h = ctx.host(0);
  if (h) {
    const norm = unsqueezeAxes(ctx, axes, h.dims.length);
    const dims = [...h.dims];
    for (const a of norm) dims.splice(a, 0, 1);
    return [{ ...h, dims }];
  }
  let x = ctx.input(0);
  for (const a of unsqueezeAxes(ctx, axes, rankOf(ctx, x))) x = ctx.op('ExpandDims', [x, ctx.constant([a], 'int32', [])])[0];
  return [x];
}

function squeeze(ctx: NodeContext, axes: number[]): Value[] {
  const x = ctx.input(0);
  if (axes.length === 0) return ctx.op('Squeeze', [x], { squeeze_dims: [] });
  const rank = rankOf(ctx, x);
  return ctx.op('Squeeze', [x], { squeeze_dims: axes.map((a) => normAxis(ctx, a, rank)) });
}

function concatOp(ctx: NodeContext): Value[] {
  const axisAttr = ctx.attrs.int('axis');
  if (axisAttr === undefined) return ctx.invalid("attribute 'axis' is required");
  if (ctx.node.inputs.length === 0) return ctx.invalid('needs at least one input');
  const hs = allHost(ctx);
  if (hs && hs.every((h) => h.dims.length === 1 && h.dtype !== 'float32')) {
    return [hostTensor(hs[0].dtype, [hs.reduce((a, h) => a + h.dims[0], 0)], hs.flatMap((h) => Array.from(h.values)))];
  }
  const xs = ctx.node.inputs.map((_n, i) => ctx.input(i));
  const rank = rankOf(ctx, xs[0]);
  return [concat(ctx, xs, normAxis(ctx, axisAttr, rank))];
}

function shapeOp(ctx: NodeContext): Value[] {
  const x = ctx.input(0);
  const rank = rankOf(ctx, x);
  const clampAxis = (a: number) => Math.min(Math.max(a < 0 ? a + rank : a, 0), rank);
  const start = ctx.opset >= 15 ? clampAxis(ctx.attrs.int('start', 0)) : 0;
  const end = ctx.opset >= 15 ? clampAxis(ctx.attrs.int('end', rank)) : rank;
  const dims = (x.shape ?? []).slice(start, Math.max(start, end));
  if (dims.every((d) => d !== null)) return [hostTensor('int64', [dims.length], dims as number[])];
  const full = ctx.op('Shape', [x], { out_type: 'int64' })[0];
  return ctx.op('StridedSlice', [full, int32s(ctx, [start]), int32s(ctx, [Math.max(start, end)]), int32s(ctx, [1])]);
}

/** Bidirectional broadcast: the result's shape is the broadcast of the input's and `shape`. */
function expand(ctx: NodeContext): Value[] {
  const x = ctx.input(0);
  const h = intsIfKnown(ctx, 1, 'shape');
  const xs = x.shape;
  if (h && xs !== null && xs.every((d) => d !== null)) {
    const target = h;
    const n = Math.max(target.length, xs.length);
    const a = [...Array(n - xs.length).fill(1), ...(xs as number[])];
    const b = [...Array(n - target.length).fill(1), ...target];
    const out = a.map((d, i) => {
      if (d !== b[i] && d !== 1 && b[i] !== 1) ctx.invalid(`cannot broadcast shape [${xs.join(', ')}] to [${target.join(', ')}]`);
      return d === 1 ? b[i] : d;
    });
    return ctx.op('BroadcastTo', [x, int32s(ctx, out)]);
  }
  if (x.dtype === 'bool') return ctx.refuse('Expand of a bool tensor to a run-time shape is not mapped');
  const ones = ctx.op('Fill', [cast(ctx, ctx.input(1, { trainable: false }), 'int32'), scalar(ctx, 1, x.dtype)])[0];
  return ctx.op('Mul', [x, ones]);
}

export const SHAPE_IMPORTS: OpTable = {
  Reshape: always(reshapeOp),
  Transpose: always((ctx) => {
    const x = ctx.input(0);
    const rank = rankOf(ctx, x);
    const perm = ctx.attrs.ints('perm', [...Array(rank).keys()].reverse());
    if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) ctx.invalid(`perm [${perm.join(', ')}] is not a permutation of ${rank} axes`);
    return [perm.every((p, i) => p === i) ? ctx.op('Identity', [x])[0] : transpose(ctx, x, perm)];
  }),
  Squeeze: { 1: (ctx) => squeeze(ctx, ctx.attrs.ints('axes', [])), 13: (ctx) => squeeze(ctx, ctx.has(1) ? ctx.ints(1, 'axes') : []) },
  Unsqueeze: {
    1: (ctx) => unsqueeze(ctx, ctx.attrs.ints('axes') ?? ctx.invalid("attribute 'axes' is required")),
    13: (ctx) => unsqueeze(ctx, ctx.ints(1, 'axes')),
  },
  Flatten: always((ctx) => {
    const x = ctx.input(0);
    const rank = rankOf(ctx, x);
    const a = ctx.attrs.int('axis', 1);
    const axis = a === rank ? rank : normAxis(ctx, a, rank);
    return [flatten2D(ctx, x, axis)];
  }),
  Concat: always(concatOp),
  Shape: always(shapeOp),
  Size: always((ctx) => {
    const x = ctx.input(0);
    const s = x.shape;
    if (s !== null && s.every((d) => d !== null)) return [hostTensor('int64', [], [(s as number[]).reduce((a, b) => a * b, 1)])];
    return ctx.op('Size', [x], { out_type: 'int64' });
  }),
  Expand: { 8: expand },
  Tile: always((ctx) => ctx.op('Tile', [ctx.input(0), cast(ctx, ctx.input(1, { trainable: false }), 'int32')])),
  Identity: always((ctx) => [ctx.value(0)]),
};

