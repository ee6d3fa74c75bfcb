import type { Tensor } from '../../../../graph/ir/index.js';
import type { NodeContext, OpTable, Value } from '../context.js';
import { always, cast, checkBudget, concat, int32s, MAX_UNROLLED_OPS, normAxis, rankOf, scalar } from './util.js';

/** Slicing, gathering, splitting and padding. */

const INT32_MAX = 2 ** 31 - 1;

/** One axis of ONNX's Slice on TF's StridedSlice: huge values (INT64_MAX, INT64_MIN) become masks. */
function slice(ctx: NodeContext, starts: number[], ends: number[], axesIn: number[] | null, steps: number[] | null): Tensor[] {
  const x = ctx.input(0);
  const rank = rankOf(ctx, x);
  const axes = axesIn ?? starts.map((_s, i) => i);
  const st = steps ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || st.length !== starts.length) ctx.invalid('starts, ends, axes and steps must have the same length');
  const begin = Array<number>(rank).fill(0);
  const end = Array<number>(rank).fill(0);
  const stride = Array<number>(rank).fill(1);
  let beginMask = (1 << rank) - 1;
  let endMask = (1 << rank) - 1;
  const seen = new Set<number>();
  axes.forEach((a, i) => {
    const axis = normAxis(ctx, a, rank);
    if (seen.has(axis)) ctx.invalid(`axis ${a} is sliced twice`);
    seen.add(axis);
    if (st[i] === 0) ctx.invalid('a step of 0');
    stride[axis] = st[i];
    const bit = 1 << axis;
    if (Math.abs(starts[i]) <= INT32_MAX) {
      begin[axis] = starts[i];
      beginMask &= ~bit;
    } else if ((starts[i] > 0) === (st[i] > 0)) {
      // a start past the end (forwards) or before the start (backwards): an empty slice
      begin[axis] = starts[i] > 0 ? INT32_MAX : -INT32_MAX;
      beginMask &= ~bit;
    }
    if (Math.abs(ends[i]) <= INT32_MAX) {
      end[axis] = ends[i];
      endMask &= ~bit;
    } else if ((ends[i] > 0) !== (st[i] > 0)) {
      end[axis] = ends[i] > 0 ? INT32_MAX : -INT32_MAX;
      endMask &= ~bit;
    }
  });
  return ctx.op('StridedSlice', [x, int32s(ctx, begin), int32s(ctx, end), int32s(ctx, stride)], { begin_mask: beginMask, end_mask: endMask });
}

/** ONNX allows negative indices (from the end); TF's gather does not, so they are wrapped. */
function gather(ctx: NodeContext): Value[] {
  const x = ctx.input(0);
  const rank = rankOf(ctx, x);
  const axis = normAxis(ctx, ctx.attrs.int('axis', 0), rank);
  const dim = x.shape?.[axis] ?? null;
  const h = ctx.host(1);
  let idx: Tensor;
  if (h) {
    const vals = ctx.ints(1, 'indices');
    if (vals.some((v) => v < 0) && dim === null) {
      idx = wrapNegative(ctx, cast(ctx, ctx.input(1, { trainable: false }), 'int32'), x, axis);
    } else {
      const fixed = vals.map((v) => (v < 0 ? v + (dim as number) : v));
      if (dim !== null && fixed.some((v) => v < 0 || v >= dim)) ctx.invalid(`indices [${vals.join(', ')}] are out of range for dim ${dim}`);
      idx = ctx.constant(fixed, 'int32', h.dims);
    }
  } else {
    idx = wrapNegative(ctx, cast(ctx, ctx.input(1), 'int32'), x, axis);
  }
  return ctx.op('GatherV2', [x, idx, scalar(ctx, axis, 'int32')], { batch_dims: 0 });
}

function wrapNegative(ctx: NodeContext, idx: Tensor, x: Tensor, axis: number): Tensor {
  const dim = x.shape?.[axis];
  const size = dim !== null && dim !== undefined ? scalar(ctx, dim, 'int32') : ctx.op('StridedSlice', [ctx.op('Shape', [x], { out_type: 'int32' })[0], int32s(ctx, [axis]), int32s(ctx, [axis + 1]), int32s(ctx, [1])], { shrink_axis_mask: 1 })[0];
  const neg = ctx.op('Less', [idx, scalar(ctx, 0, 'int32')])[0];
  return ctx.op('SelectV2', [neg, ctx.op('AddV2', [idx, size])[0], idx])[0];
}

/** Split sizes: given, or equal parts (opset 18's num_outputs: the last part may be smaller). */
function split(ctx: NodeContext, sizes: number[] | null): Tensor[] {
  const x = ctx.input(0);
  const rank = rankOf(ctx, x);
  const axis = normAxis(ctx, ctx.attrs.int('axis', 0), rank);
  const dim = x.shape?.[axis] ?? null;
  if (ctx.opset >= 18 && !sizes && !ctx.attrs.has('num_outputs')) ctx.invalid("from opset 18 either the 'split' input or the 'num_outputs' attribute is required");
  const parts = ctx.opset >= 18 && !sizes ? (ctx.attrs.int('num_outputs') as number) : ctx.outputCount;
  if (parts !== ctx.outputCount) ctx.invalid(`num_outputs is ${parts} but the node has ${ctx.outputCount} outputs`);
  if (parts < 1) ctx.invalid('needs at least one output');
  let s = sizes;
  if (!s && dim !== null && dim % parts !== 0) {
    if (ctx.opset < 18) ctx.invalid(`dim ${dim} does not split into ${parts} equal parts`);
    const chunk = Math.ceil(dim / parts);
    s = Array.from({ length: parts }, (_v, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  }
  if (!s) return ctx.op('Split', [scalar(ctx, axis, 'int32'), x], { num_split: parts });
  if (s.length !== ctx.outputCount) ctx.invalid(`split has ${s.length} sizes for ${ctx.outputCount} outputs`);
  if (dim !== null && s.reduce((a, b) => a + b, 0) !== dim) ctx.invalid(`split sizes [${s.join(', ')}] do not add up to dim ${dim}`);
  return ctx.op('SplitV', [x, int32s(ctx, s), scalar(ctx, axis, 'int32')], { num_split: s.length });
}

/** One axis of edge or reflect padding, by concatenating single-element slices. */
function padAxisByCopy(ctx: NodeContext, x: Tensor, axis: number, before: number, after: number, mode: 'edge' | 'reflect'): Tensor {
  const dim = x.shape?.[axis];
  if (dim === null || dim === undefined) return ctx.refuse(`${mode} padding needs the padded dims known at import time`);
  if (mode === 'reflect' && (before > dim - 1 || after > dim - 1)) ctx.invalid(`reflect pads (${before}, ${after}) must be smaller than dim ${dim}`);
  if (dim === 0) ctx.invalid(`${mode} padding of an empty dim`);
  checkBudget(ctx, before + after, MAX_UNROLLED_OPS, `${mode} padding as one slice per padded row`);
  const rank = x.shape!.length;
  const at = (i: number): Tensor => {
    const b = Array<number>(rank).fill(0);
    const e = Array<number>(rank).fill(0);
    b[axis] = i;
    e[axis] = i + 1;
    const mask = ((1 << rank) - 1) & ~(1 << axis);
    return ctx.op('StridedSlice', [x, int32s(ctx, b), int32s(ctx, e), int32s(ctx, Array(rank).fill(1))], { begin_mask: mask, end_mask: mask })[0];
  };
  const head = Array.from({ length: before }, (_v, k) => (mode === 'edge' ? at(0) : at(before - k)));
  const tail = Array.from({ length: after }, (_v, k) => (mode === 'edge' ? at(dim - 1) : at(dim - 2 - k)));
  return concat(ctx, [...head, x, ...tail], axis);
}

function pad(ctx: NodeContext, padsIn: number[], mode: string, value: Tensor | null, axesIn: number[] | null): Tensor[] {
  const x = ctx.input(0);
  const rank = rankOf(ctx, x);
  const axes = (axesIn ?? [...Array(rank).keys()]).map((a) => normAxis(ctx, a, rank));
  if (padsIn.length !== 2 * axes.length) ctx.invalid(`pads has ${padsIn.length} values for ${axes.length} axes`);
  const before = Array<number>(rank).fill(0);
  const after = Array<number>(rank).fill(0);
  axes.forEach((a, i) => {
    before[a] = padsIn[i];
    after[a] = padsIn[i + axes.length];
  });
  // negative pads crop: pad by the positive parts, then slice the cropped ones away
  let y = x;
  if (mode === 'constant') {
    const rows = before.flatMap((b, i) => [Math.max(0, b), Math.max(0, after[i])]);
    if (rows.some((r) => r !== 0)) {
      const v = value ?? scalar(ctx, 0, x.dtype);
      y = ctx.op('PadV2', [x, ctx.constant(rows, 'int32', [rank, 2]), v])[0];
    }
  } else if (mode === 'edge' || mode === 'reflect') {
    for (let a = 0; a < rank; a++) {
      if (before[a] > 0 || after[a] > 0) y = padAxisByCopy(ctx, y, a, Math.max(0, before[a]), Math.max(0, after[a]), mode);
    }
  } else {
    ctx.refuse(`mode '${mode}' is not mapped (constant, reflect and edge are)`);
  }
  if (before.every((b) => b >= 0) && after.every((e) => e >= 0)) return y === x ? ctx.op('Identity', [x]) : [y];
  const begin = before.map((b) => Math.max(0, -b));
  const end = after.map((e) => (e < 0 ? e : 0));
  const endMask = after.reduce((m, e, i) => (e < 0 ? m : m | (1 << i)), 0);
  return ctx.op('StridedSlice', [y, int32s(ctx, begin), int32s(ctx, end), int32s(ctx, Array(rank).fill(1))], { end_mask: endMask });
}

function oneHot(ctx: NodeContext): Tensor[] {
  const depthVals = ctx.ints(1, 'depth');
  if (depthVals.length !== 1) ctx.invalid('depth must hold one value');
  const depth = depthVals[0];
  const values = ctx.input(2, { trainable: false });
  const indices = cast(ctx, ctx.input(0), 'int32');
  // from opset 11 negative indices count back from depth
  const neg = ctx.op('Less', [indices, scalar(ctx, 0, 'int32')])[0];
  const idx = ctx.op('SelectV2', [neg, ctx.op('AddV2', [indices, scalar(ctx, depth, 'int32')])[0], indices])[0];
  const [off, on] = ctx.op('Unpack', [values], { num: 2, axis: 0 });
  const rank = rankOf(ctx, indices);
  const axis = normAxis(ctx, ctx.attrs.int('axis', -1), rank + 1);
  return ctx.op('OneHot', [idx, scalar(ctx, depth, 'int32'), on, off], { axis: axis === rank ? -1 : axis });
}

export const ARRAY_IMPORTS: OpTable = {
  Slice: {
    1: (ctx) => slice(ctx, ctx.attrs.ints('starts', []), ctx.attrs.ints('ends', []), ctx.attrs.ints('axes') ?? null, null),
    10: (ctx) => slice(ctx, ctx.ints(1, 'starts'), ctx.ints(2, 'ends'), ctx.has(3) ? ctx.ints(3, 'axes') : null, ctx.has(4) ? ctx.ints(4, 'steps') : null),
  },
  Gather: always(gather),
  Split: {
    1: (ctx) => split(ctx, ctx.attrs.ints('split') ?? null),
    13: (ctx) => split(ctx, ctx.has(1) ? ctx.ints(1, 'split') : null),
  },
  Pad: {
    2: (ctx) => {
      const v = ctx.attrs.float('value', 0);
      return pad(ctx, ctx.attrs.ints('pads') ?? ctx.invalid("attribute 'pads' is required"), ctx.attrs.string('mode', 'constant'), scalar(ctx, v, ctx.input(0).dtype), null);
    },
    11: (ctx) => pad(ctx, ctx.ints(1, 'pads'), ctx.attrs.string('mode', 'constant'), ctx.has(2) ? ctx.input(2, { trainable: false }) : null, ctx.has(3) ? ctx.ints(3, 'axes') : null),
  },
  OneHot: { 9: oneHot },
  Where: { 9: (ctx) => ctx.op('SelectV2', [ctx.input(0), ctx.input(1), ctx.input(2)]) },
};
