import { NDArray } from '../../graph/ir/index.js';
import type { DType } from '../../graph/ir/index.js';
import type { OnnxAttr, OnnxExportContext, OnnxFacet, OnnxOpView, OnnxTable, TypesOf } from '../op_def.js';
import { constInput, GRADIENT_ONLY, int, int64Input, ints, onnx, rankOf, refused, same, scalar } from '../onnx_mapping.js';
import { resolveStridedSlice } from './strided_slice_spec.js';
import type { ARRAY_OPS } from './index.js';

/** ONNX mappings of the array ops. Shape-like operands become int64 (ONNX's type for them). */

// Slice's "to the end" / "from the start" bounds: ONNX clamps them to the dim.
const END = 2 ** 31 - 1;
const BEFORE_START = -(2 ** 31);

const out0 = (op: OnnxOpView) => [op.outputs[0].name];

/** An int64 ONNX value converted to the op's output type. */
function emitCast(ctx: OnnxExportContext, op: OnnxOpView, int64: string): void {
  ctx.node('Identity', [ctx.cast(int64, 'int64', op.outputs[0].dtype)], {}, out0(op));
}

/** `value` (a scalar name of `dtype`) broadcast to int64 shape `shape`. */
function expandScalar(ctx: OnnxExportContext, value: string, shape: string, out: string): void {
  ctx.node('Expand', [value, shape], {}, [out]);
}

function likeOf(v: number): OnnxFacet {
  return onnx((ctx, op) => {
    const x = op.inputs[0];
    expandScalar(ctx, scalar(ctx, v, x.dtype), ctx.node('Shape', [x.name])[0], op.outputs[0].name);
  });
}

/** Axis operand `i` made non-negative against rank `rank`. */
function axisOf(ctx: OnnxExportContext, op: OnnxOpView, i: number, rank: number | null): number {
  const [a] = constInput(ctx, op, i, 'axis');
  if (a >= 0) return a;
  if (rank === null) ctx.refuse(`a negative axis needs the input rank`);
  return a + rank;
}

function split(ctx: OnnxExportContext, op: OnnxOpView, x: string, axis: number, sizes: readonly number[] | null): void {
  const inputs = sizes ? [x, ctx.int64s(sizes)] : [x];
  ctx.node('Split', inputs, { axis: int(axis) }, op.outputs.map((v) => v.name));
}

function stridedSlice(ctx: OnnxExportContext, op: OnnxOpView): void {
  const [begin, end, strides] = [1, 2, 3].map((i) => constInput(ctx, op, i, ['begin', 'end', 'strides'][i - 1]));
  const x = op.inputs[0];
  const m = op.attrs as unknown as { begin_mask: number; end_mask: number; ellipsis_mask: number; new_axis_mask: number; shrink_axis_mask: number };
  if (m.ellipsis_mask === 0 && m.new_axis_mask === 0) {
    sparseStridedSlice(ctx, op, begin, end, strides, m.begin_mask, m.end_mask, m.shrink_axis_mask);
    return;
  }
  if (x.shape === null) ctx.refuse('the input rank must be known');
  const dense = resolveStridedSlice(x.shape, begin, end, strides, m);
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  for (let d = 0; d < x.shape.length; d++) {
    const n = dense.processing[d];
    const b = dense.begin[d];
    const s = dense.strides[d];
    const full = n !== null && x.shape[d] !== null && s === 1 && b === 0 && n === x.shape[d];
    if (full) continue;
    if (n === null) ctx.refuse(`the size of dim ${d} of the slice must be known (input shape ${JSON.stringify(x.shape)})`);
    const stop = b + n * s;
    starts.push(b);
    ends.push(s < 0 && stop < 0 ? BEFORE_START : stop);
    axes.push(d);
    steps.push(s);
  }
  let y = x.name;
  if (axes.length > 0) y = ctx.node('Slice', [y, ctx.int64s(starts), ctx.int64s(ends), ctx.int64s(axes), ctx.int64s(steps)])[0];
  const final = dense.final;
  const known = final.every((d) => d !== null);
  const processed = dense.processing;
  const sameShape = final.length === processed.length && final.every((d, i) => d === processed[i]);
  if (sameShape) ctx.node('Identity', [y], {}, out0(op));
  else if (known) ctx.node('Reshape', [y, ctx.int64s(final as number[])], {}, out0(op));
  else ctx.refuse('ellipsis or new-axis masks need the output shape to be fully known');
}

/**
 * Without ellipsis or new axes, spec entry i is input dim i, and ONNX Slice clamps indices the
 * way TF does, so the spec maps over directly whatever the shape: masked bounds become the
 * extremes, and a shrunk dim is the one-element slice [b, b + 1) squeezed away.
 */
function sparseStridedSlice(
  ctx: OnnxExportContext, op: OnnxOpView, begin: number[], end: number[], strides: number[], beginMask: number, endMask: number, shrinkMask: number,
): void {
  const bit = (mask: number, i: number) => (mask & (1 << i)) !== 0;
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  const shrunk: number[] = [];
  for (let i = 0; i < strides.length; i++) {
    const s = strides[i];
    if (bit(shrinkMask, i)) {
      shrunk.push(i);
      starts.push(begin[i]);
      ends.push(begin[i] === -1 ? END : begin[i] + 1);
      axes.push(i);
      steps.push(1);
      continue;
    }
    if (s === 1 && bit(beginMask, i) && bit(endMask, i)) continue;
    starts.push(bit(beginMask, i) ? (s > 0 ? 0 : END) : begin[i]);
    ends.push(bit(endMask, i) ? (s > 0 ? END : BEFORE_START) : end[i]);
    axes.push(i);
    steps.push(s);
  }
  let y = op.inputs[0].name;
  if (axes.length > 0) y = ctx.node('Slice', [y, ctx.int64s(starts), ctx.int64s(ends), ctx.int64s(axes), ctx.int64s(steps)])[0];
  if (shrunk.length > 0) ctx.node('Squeeze', [y, ctx.int64s(shrunk)], {}, out0(op));
  else ctx.node('Identity', [y], {}, out0(op));
}

function pad(ctx: OnnxExportContext, op: OnnxOpView, value: string | null): void {
  const p = constInput(ctx, op, 1, 'paddings');
  const before = p.filter((_, i) => i % 2 === 0);
  const after = p.filter((_, i) => i % 2 === 1);
  const inputs = [op.inputs[0].name, ctx.int64s([...before, ...after])];
  if (value) inputs.push(value);
  ctx.node('Pad', inputs, { mode: { s: 'constant' } }, out0(op));
}

function oneHot(ctx: OnnxExportContext, op: OnnxOpView): void {
  const [indices, depth, on, off] = op.inputs;
  const dt: DType = op.outputs[0].dtype;
  // ORT's OneHot kernels cover (int64 indices, int64 depth, float values); other types are cast around it
  const values = ctx.node('Concat', [off, on].map((v) => ctx.node('Unsqueeze', [ctx.cast(v.name, v.dtype, 'float32'), ctx.int64s([0])])[0]), { axis: int(0) })[0];
  const y = ctx.node('OneHot', [ctx.cast(indices.name, indices.dtype, 'int64'), ctx.cast(depth.name, depth.dtype, 'int64'), values], { axis: int(op.attrs.axis as number) })[0];
  ctx.node('Identity', [ctx.cast(y, 'float32', dt)], {}, out0(op));
}

export const ARRAY_ONNX: OnnxTable<TypesOf<typeof ARRAY_OPS>> = {
  Reshape: onnx((ctx, op) => {
    const v = op.inputs[1].value;
    // TF's 0 is an empty dim; ONNX's 0 copies the input dim unless allowzero
    const attrs: Record<string, OnnxAttr> = v && Array.from(v.data as ArrayLike<number>).includes(0) ? { allowzero: int(1) } : {};
    ctx.node('Reshape', [op.inputs[0].name, int64Input(ctx, op, 1)], attrs, out0(op));
  }),
  Shape: onnx((ctx, op) => emitCast(ctx, op, ctx.node('Shape', [op.inputs[0].name])[0])),
  Size: onnx((ctx, op) => emitCast(ctx, op, ctx.node('Size', [op.inputs[0].name])[0])),
  Rank: onnx((ctx, op) => {
    ctx.constant(NDArray.scalar(rankOf(ctx, op, 0), 'int32'), op.outputs[0].name);
  }),
  Squeeze: onnx((ctx, op) => {
    const dims = op.attrs.squeeze_dims as number[];
    ctx.node('Squeeze', dims.length > 0 ? [op.inputs[0].name, ctx.int64s(dims)] : [op.inputs[0].name], {}, out0(op));
  }),
  ExpandDims: onnx((ctx, op) => {
    ctx.node('Unsqueeze', [op.inputs[0].name, ctx.int64s(constInput(ctx, op, 1, 'dim'))], {}, out0(op));
  }),
  BroadcastTo: onnx((ctx, op) => {
    ctx.node('Expand', [op.inputs[0].name, int64Input(ctx, op, 1)], {}, out0(op));
  }),
  BroadcastGradientArgs: GRADIENT_ONLY,
  Fill: onnx((ctx, op) => expandScalar(ctx, op.inputs[1].name, int64Input(ctx, op, 0), op.outputs[0].name)),
  ZerosLike: likeOf(0),
  OnesLike: likeOf(1),
  Range: same('Range'),
  Cast: onnx((ctx, op) => {
    ctx.node('Identity', [ctx.cast(op.inputs[0].name, op.inputs[0].dtype, op.outputs[0].dtype)], {}, out0(op));
  }),
  Transpose: onnx((ctx, op) => {
    ctx.node('Transpose', [op.inputs[0].name], { perm: ints(constInput(ctx, op, 1, 'perm')) }, out0(op));
  }),
  InvertPermutation: GRADIENT_ONLY,
  ConcatV2: onnx((ctx, op) => {
    const n = op.inputs.length - 1;
    const axis = axisOf(ctx, op, n, op.outputs[0].shape?.length ?? null);
    ctx.node('Concat', op.inputs.slice(0, n).map((v) => v.name), { axis: int(axis) }, out0(op));
  }),
  Pack: onnx((ctx, op) => {
    const rank = rankOf(ctx, op, 0);
    const a = op.attrs.axis as number;
    const axis = a < 0 ? a + rank + 1 : a;
    const parts = op.inputs.map((v) => ctx.node('Unsqueeze', [v.name, ctx.int64s([axis])])[0]);
    ctx.node('Concat', parts, { axis: int(axis) }, out0(op));
  }),
  Unpack: onnx((ctx, op) => {
    const rank = rankOf(ctx, op, 0);
    const a = op.attrs.axis as number;
    const axis = a < 0 ? a + rank : a;
    const parts = op.outputs.length === 1 ? [op.inputs[0].name] : ctx.node('Split', [op.inputs[0].name], { axis: int(axis) }, op.outputs.length);
    parts.forEach((p, i) => ctx.node('Squeeze', [p, ctx.int64s([axis])], {}, [op.outputs[i].name]));
  }),
  Split: onnx((ctx, op) => split(ctx, op, op.inputs[1].name, axisOf(ctx, op, 0, op.inputs[1].shape?.length ?? null), null)),
  SplitV: onnx((ctx, op) => {
    const x = op.inputs[0];
    const axis = axisOf(ctx, op, 2, x.shape?.length ?? null);
    const sizes = constInput(ctx, op, 1, 'size_splits');
    const free = sizes.indexOf(-1);
    if (free >= 0) {
      const dim = x.shape?.[axis];
      if (dim === null || dim === undefined) return ctx.refuse('a -1 split size needs the split dim to be known');
      sizes[free] = dim - sizes.reduce((s, v, i) => (i === free ? s : s + v), 0);
    }
    split(ctx, op, x.name, axis, sizes);
  }),
  Slice: onnx((ctx, op) => {
    const begin = constInput(ctx, op, 1, 'begin');
    const size = constInput(ctx, op, 2, 'size');
    const ends = begin.map((b, i) => (size[i] === -1 ? END : b + size[i]));
    const axes = begin.map((_, i) => i);
    ctx.node('Slice', [op.inputs[0].name, ctx.int64s(begin), ctx.int64s(ends), ctx.int64s(axes)], {}, out0(op));
  }),
  StridedSlice: onnx(stridedSlice),
  StridedSliceGrad: GRADIENT_ONLY,
  GatherV2: onnx((ctx, op) => {
    if ((op.attrs.batch_dims as number | undefined ?? 0) !== 0) ctx.refuse('batch_dims != 0 has no single ONNX op');
    const axis = axisOf(ctx, op, 2, op.inputs[0].shape?.length ?? null);
    ctx.node('Gather', [op.inputs[0].name, op.inputs[1].name], { axis: int(axis) }, out0(op));
  }),
  DynamicStitch: refused('no ONNX mapping yet (its output length is the largest index + 1, a data-dependent shape; ScatterND over a computed shape could express it)'),
  ParallelDynamicStitch: refused('no ONNX mapping yet (as DynamicStitch: a data-dependent output length)'),
  UnsortedSegmentSum: refused('no ONNX mapping yet (ScatterND with reduction=add could express it)'),
  Pad: onnx((ctx, op) => pad(ctx, op, null)),
  PadV2: onnx((ctx, op) => pad(ctx, op, op.inputs[2].name)),
  Tile: onnx((ctx, op) => {
    ctx.node('Tile', [op.inputs[0].name, int64Input(ctx, op, 1)], {}, out0(op));
  }),
  OneHot: onnx(oneHot),
};
