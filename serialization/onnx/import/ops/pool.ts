import type { Tensor } from '../../../../graph/ir/index.js';
import type { NodeContext, OpTable, VersionedHandlers } from '../context.js';
import { windowOf } from './conv.js';
import type { Window } from './conv.js';
import { add, always, checkBudget, int32s, MAX_TABLE_ELEMENTS, MAX_UNROLLED_OPS, maximum, rankOf, scalar } from './util.js';

/**
 * MaxPool and AveragePool over NCHW on TF's pools with `data_format: 'NCHW'`. What TF's pools
 * lack is composed: ceil_mode becomes extra padding at the end, AveragePool's pads (either
 * count_include_pad) become an explicit Pad and a division by the window's count of counted
 * cells (a constant the compiler folds), and dilated windows become a max or sum of strided
 * slices. 1-D pools run as 2-D ones of height 1.
 */

type Kind = 'max' | 'avg';

interface Plan {
  win: Window;
  /** Padding added at the end of each spatial axis so ceil_mode's last window exists. */
  ext: number[];
  /** Spatial input dims (all known, unless the window is TF's symbolic SAME). */
  dims: number[];
  out: number[];
}

function plan(ctx: NodeContext, x: Tensor, kind: Kind): Plan {
  const spatial = (x.shape ?? []).slice(2);
  const kernel = ctx.attrs.ints('kernel_shape');
  if (!kernel || kernel.length !== spatial.length || kernel.some((k) => k < 1)) ctx.invalid(`attribute 'kernel_shape' must hold ${spatial.length} positive values`);
  const win = windowOf(ctx, spatial, kernel);
  // before these opsets the attributes did not exist; a file that sets them anyway is wrong
  const ceil = ctx.opset >= 10 ? ctx.attrs.int('ceil_mode', 0) !== 0 : false;
  if (kind === 'avg' && ctx.opset < 19 && win.dilations.some((d) => d !== 1)) ctx.invalid('AveragePool has no dilations before opset 19');
  if (win.same) {
    if (ceil) ctx.refuse('ceil_mode with auto_pad SAME_UPPER needs the spatial dims known at import time');
    return { win, ext: spatial.map(() => 0), dims: [], out: [] };
  }
  if (spatial.some((d) => d === null)) ctx.refuse('the spatial input dims must be known at import time for explicit pads, ceil_mode or dilations');
  const dims = spatial as number[];
  const n = dims.length;
  const ext: number[] = [];
  const out = dims.map((d, i) => {
    const padded = d + win.pads[i] + win.pads[i + n];
    const span = (kernel[i] - 1) * win.dilations[i] + 1;
    if (padded < span) ctx.invalid(`the window (${span}) is larger than the padded input (${padded})`);
    let o = (ceil ? Math.ceil((padded - span) / win.strides[i]) : Math.floor((padded - span) / win.strides[i])) + 1;
    // as ONNX Runtime: the last window must start inside the input or its leading pad
    if (ceil && (o - 1) * win.strides[i] >= d + win.pads[i]) o--;
    ext.push(Math.max(0, (o - 1) * win.strides[i] + span - padded));
    return o;
  });
  return { win, ext, dims, out };
}

const hasPads = (p: Plan): boolean => p.win.pads.some((v) => v !== 0) || p.ext.some((v) => v !== 0);

function padded(ctx: NodeContext, x: Tensor, p: Plan, value: number): Tensor {
  const n = p.dims.length;
  const rows = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) rows.push(p.win.pads[i], p.win.pads[i + n] + p.ext[i]);
  const pads = ctx.constant(rows, 'int32', [n + 2, 2]);
  return ctx.op('PadV2', [x, pads, scalar(ctx, value, x.dtype)])[0];
}

function tfPool(ctx: NodeContext, type: 'MaxPool' | 'AvgPool', x: Tensor, p: Plan, padding: 'VALID' | 'SAME'): Tensor {
  const [kh, kw] = p.win.kernel;
  const [sh, sw] = p.win.strides;
  return ctx.op(type, [x], { ksize: [1, 1, kh, kw], strides: [1, 1, sh, sw], padding, data_format: 'NCHW' })[0];
}

/** Max or sum over a dilated window as a reduction of strided slices of the padded input. */
function slicedWindow(ctx: NodeContext, xp: Tensor, p: Plan, kind: Kind): Tensor {
  const [kh, kw] = p.win.kernel;
  const [dh, dw] = p.win.dilations;
  const [sh, sw] = p.win.strides;
  const [oh, ow] = p.out;
  checkBudget(ctx, kh * kw, MAX_UNROLLED_OPS, `a dilated ${kh}x${kw} window as strided slices`);
  let acc: Tensor | null = null;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const begin = int32s(ctx, [0, 0, i * dh, j * dw]);
      const end = int32s(ctx, [0, 0, i * dh + (oh - 1) * sh + 1, j * dw + (ow - 1) * sw + 1]);
      const part: Tensor = ctx.op('StridedSlice', [xp, begin, end, int32s(ctx, [1, 1, sh, sw])], { begin_mask: 3, end_mask: 3 })[0];
      acc = acc === null ? part : kind === 'max' ? maximum(ctx, acc, part) : add(ctx, acc, part);
    }
  }
  return acc as Tensor;
}

/** The cells each window counts, over the padded input: 1 on the input (and its pads when counted). */
function countMask(ctx: NodeContext, p: Plan, includePad: boolean): Tensor {
  const n = p.dims.length;
  const size = p.dims.map((d, i) => d + p.win.pads[i] + p.win.pads[i + n] + p.ext[i]);
  checkBudget(ctx, size[0] * size[1], MAX_TABLE_ELEMENTS, `the count map of a padded average (${size[0]} x ${size[1]})`);
  const data = new Float32Array(size[0] * size[1]);
  const from = includePad ? [0, 0] : [p.win.pads[0], p.win.pads[1]];
  const to = includePad ? [size[0] - p.ext[0], size[1] - p.ext[1]] : [p.win.pads[0] + p.dims[0], p.win.pads[1] + p.dims[1]];
  for (let r = from[0]; r < to[0]; r++) for (let c = from[1]; c < to[1]; c++) data[r * size[1] + c] = 1;
  return ctx.constant(data, 'float32', [1, 1, size[0], size[1]]);
}

function pool2D(ctx: NodeContext, x: Tensor, p: Plan, kind: Kind): Tensor {
  if (p.win.same) return tfPool(ctx, kind === 'max' ? 'MaxPool' : 'AvgPool', x, p, 'SAME');
  const dilated = p.win.dilations.some((d) => d !== 1);
  if (kind === 'max') {
    const xp = hasPads(p) ? padded(ctx, x, p, -Infinity) : x;
    return dilated ? slicedWindow(ctx, xp, p, 'max') : tfPool(ctx, 'MaxPool', xp, p, 'VALID');
  }
  const includePad = ctx.attrs.int('count_include_pad', 0) !== 0;
  if (!hasPads(p) && !dilated) return tfPool(ctx, 'AvgPool', x, p, 'VALID');
  const xp = hasPads(p) ? padded(ctx, x, p, 0) : x;
  if (dilated) {
    const count = slicedWindow(ctx, countMask(ctx, p, includePad), p, 'avg');
    return ctx.op('RealDiv', [slicedWindow(ctx, xp, p, 'avg'), count])[0];
  }
  const mean = tfPool(ctx, 'AvgPool', xp, p, 'VALID');
  if (includePad && p.ext.every((e) => e === 0)) return mean;
  return ctx.op('RealDiv', [mean, tfPool(ctx, 'AvgPool', countMask(ctx, p, includePad), p, 'VALID')])[0];
}

function to2D(p: Plan): Plan {
  const w = p.win;
  return {
    win: { kernel: [1, w.kernel[0]], strides: [1, w.strides[0]], dilations: [1, w.dilations[0]], pads: [0, w.pads[0], 0, w.pads[1]], same: w.same },
    ext: [0, p.ext[0]],
    dims: p.dims.length ? [1, p.dims[0]] : [],
    out: p.out.length ? [1, p.out[0]] : [],
  };
}

function pool(kind: Kind): VersionedHandlers {
  return always((ctx) => {
    const x = ctx.input(0);
    const r = rankOf(ctx, x);
    if (r !== 3 && r !== 4) ctx.refuse(`only 1-D and 2-D pools are mapped (input rank ${r})`);
    if (kind === 'max' && ctx.wantsOutput(1)) ctx.refuse('the Indices output of MaxPool is not mapped');
    if (kind === 'max' && ctx.attrs.int('storage_order', 0) !== 0) ctx.refuse('storage_order 1 only matters for Indices, which is not mapped');
    const p = plan(ctx, x, kind);
    if (r === 4) return [pool2D(ctx, x, p, kind)];
    const x4 = ctx.op('ExpandDims', [x, ctx.constant([2], 'int32', [])])[0];
    return [ctx.op('Squeeze', [pool2D(ctx, x4, to2D(p), kind)], { squeeze_dims: [2] })[0]];
  });
}

const globalPool = (type: 'Mean' | 'Max'): VersionedHandlers =>
  always((ctx) => {
    const x = ctx.input(0);
    const r = rankOf(ctx, x);
    if (r < 3) ctx.invalid(`the input must have rank 3 or more, got ${r}`);
    return ctx.op(type, [x, int32s(ctx, [...Array(r - 2).keys()].map((i) => i + 2))], { keep_dims: true });
  });

export const POOL_IMPORTS: OpTable = {
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: globalPool('Mean'),
  GlobalMaxPool: globalPool('Max'),
};
