import type { Tensor } from '../../../../graph/ir/index.js';
import type { NodeContext, OpTable } from '../context.js';
import { always, int32s, rankOf, transpose } from './util.js';

/**
 * Conv and ConvTranspose over NCHW inputs, on Conv2D / Conv2DBackpropInput with
 * `data_format: 'NCHW'` (the layout pass moves them to NHWC internally). ONNX filters (OIHW) go
 * through a Transpose to HWIO in the graph, so a trainable filter keeps its ONNX layout and
 * exports back as it came. 1-D convolutions run as 2-D ones of height 1; 3-D are refused.
 */

export interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin..., end...] per spatial axis, as ONNX's pads. */
  pads: number[];
  /** TF's SAME (ONNX SAME_UPPER) when it can be kept symbolic. */
  same: boolean;
}

/** ONNX's window attributes resolved to explicit pads (SAME_UPPER kept as TF's SAME). */
export function windowOf(ctx: NodeContext, spatial: readonly (number | null)[], kernel: readonly number[]): Window {
  const n = spatial.length;
  const ones = Array<number>(n).fill(1);
  const strides = ctx.attrs.ints('strides', ones);
  const dilations = ctx.attrs.ints('dilations', ones);
  for (const [what, v] of [['strides', strides], ['dilations', dilations]] as const) {
    if (v.length !== n || v.some((x) => x < 1)) ctx.invalid(`attribute '${what}' must hold ${n} positive values, got [${v.join(', ')}]`);
  }
  const autoPad = ctx.attrs.choice('auto_pad', ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'], 'NOTSET');
  if (autoPad === 'VALID') return { kernel: [...kernel], strides, dilations, pads: Array(2 * n).fill(0), same: false };
  if (autoPad === 'NOTSET') {
    const pads = ctx.attrs.ints('pads', Array(2 * n).fill(0));
    if (pads.length !== 2 * n || pads.some((p) => p < 0)) ctx.invalid(`attribute 'pads' must hold ${2 * n} non-negative values, got [${pads.join(', ')}]`);
    return { kernel: [...kernel], strides, dilations, pads, same: false };
  }
  if (autoPad === 'SAME_UPPER' && spatial.some((d) => d === null)) return { kernel: [...kernel], strides, dilations, pads: Array(2 * n).fill(0), same: true };
  const pads = Array<number>(2 * n).fill(0);
  spatial.forEach((d, i) => {
    if (d === null) ctx.refuse(`auto_pad ${autoPad} needs the spatial input dims known at import time`);
    const out = Math.ceil(d / strides[i]);
    const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - d);
    const small = Math.floor(total / 2);
    pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
    pads[i + n] = total - pads[i];
  });
  return { kernel: [...kernel], strides, dilations, pads, same: false };
}

/** TF conv attrs (NCHW 4-vectors) for a 2-D window. */
function convAttrs(w: Window): Record<string, string | number[]> {
  const explicit = w.pads.some((p) => p !== 0);
  return {
    data_format: 'NCHW',
    strides: [1, 1, w.strides[0], w.strides[1]],
    dilations: [1, 1, w.dilations[0], w.dilations[1]],
    padding: w.same ? 'SAME' : explicit ? 'EXPLICIT' : 'VALID',
    explicit_paddings: explicit && !w.same ? [0, 0, 0, 0, w.pads[0], w.pads[2], w.pads[1], w.pads[3]] : [],
  };
}

const expandDims = (ctx: NodeContext, x: Tensor, axis: number): Tensor => ctx.op('ExpandDims', [x, ctx.constant([axis], 'int32', [])])[0];

/** A 1-D window as a 2-D one of height 1 (attributes and tensors both). */
function as2D(ctx: NodeContext, x: Tensor, w: Tensor, win: Window): [Tensor, Tensor, Window] {
  const win2: Window = {
    kernel: [1, win.kernel[0]],
    strides: [1, win.strides[0]],
    dilations: [1, win.dilations[0]],
    pads: [0, win.pads[0], 0, win.pads[1]],
    same: win.same,
  };
  return [expandDims(ctx, x, 2), expandDims(ctx, w, 2), win2];
}

function spatialRank(ctx: NodeContext, x: Tensor, w: Tensor): number {
  const r = rankOf(ctx, x);
  if (r !== 3 && r !== 4) ctx.refuse(`only 1-D and 2-D convolutions are mapped (input rank ${r})`);
  if (w.shape !== null && w.shape.length !== r) ctx.invalid(`the filter has rank ${w.shape.length}, the input ${r}`);
  if (w.shape === null || w.shape.slice(2).some((d) => d === null)) ctx.refuse('the filter shape must be known at import time');
  return r - 2;
}

function kernelOf(ctx: NodeContext, w: Tensor, n: number): number[] {
  const k = (w.shape as number[]).slice(2);
  const attr = ctx.attrs.ints('kernel_shape');
  if (attr && (attr.length !== n || attr.some((v, i) => v !== k[i]))) ctx.invalid(`kernel_shape [${attr.join(', ')}] does not match the filter's [${k.join(', ')}]`);
  return k;
}

function conv(ctx: NodeContext): Tensor[] {
  let x = ctx.input(0);
  let w = ctx.input(1);
  const n = spatialRank(ctx, x, w);
  let win = windowOf(ctx, (x.shape ?? []).slice(2), kernelOf(ctx, w, n));
  const group = ctx.attrs.int('group', 1);
  const inC = x.shape?.[1] ?? null;
  const wC = w.shape?.[1] ?? null;
  if (inC !== null && wC !== null && inC !== wC * group) ctx.invalid(`input channels ${inC} != filter channels ${wC} x group ${group}`);
  if (n === 1) [x, w, win] = as2D(ctx, x, w, win);
  let y = ctx.op('Conv2D', [x, transpose(ctx, w, [2, 3, 1, 0])], convAttrs(win))[0];
  if (ctx.has(2)) y = ctx.op('BiasAdd', [y, ctx.input(2)], { data_format: 'NCHW' })[0];
  return [n === 1 ? ctx.op('Squeeze', [y], { squeeze_dims: [2] })[0] : y];
}

/**
 * ConvTranspose as Conv2DBackpropInput, the gradient of the convolution it inverts: its output
 * size is stride * (in - 1) + output_padding + dilated kernel - pads, or comes from output_shape.
 */
function convTranspose(ctx: NodeContext): Tensor[] {
  let x = ctx.input(0);
  let w = ctx.input(1);
  const n = spatialRank(ctx, x, w);
  const spatial = (x.shape ?? []).slice(2);
  if (spatial.some((d) => d === null)) ctx.refuse('the spatial input dims must be known at import time');
  const ins = spatial as number[];
  const kernel = kernelOf(ctx, w, n);
  const group = ctx.attrs.int('group', 1);
  const outC = (w.shape as number[])[1] * group;
  const ones = Array<number>(n).fill(1);
  const strides = ctx.attrs.ints('strides', ones);
  const dilations = ctx.attrs.ints('dilations', ones);
  const outPad = ctx.attrs.ints('output_padding', Array(n).fill(0));
  if (strides.length !== n || dilations.length !== n || outPad.length !== n) ctx.invalid(`strides, dilations and output_padding must hold ${n} values`);
  const full = ins.map((d, i) => strides[i] * (d - 1) + outPad[i] + (kernel[i] - 1) * dilations[i] + 1);
  const autoPad = ctx.attrs.choice('auto_pad', ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'], 'NOTSET');
  const outputShape = ctx.attrs.ints('output_shape');
  let pads = ctx.attrs.ints('pads', Array(2 * n).fill(0));
  if (pads.length !== 2 * n || pads.some((p) => p < 0)) ctx.invalid(`attribute 'pads' must hold ${2 * n} non-negative values`);
  if (outputShape || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const target = outputShape ? outputShape.slice(-n) : ins.map((d, i) => d * strides[i]);
    pads = Array(2 * n).fill(0);
    target.forEach((t, i) => {
      const total = full[i] - t;
      if (total < 0) ctx.refuse(`output_shape ${t} exceeds the full transposed size ${full[i]} (padding the output is not mapped)`);
      const half = Math.floor(total / 2);
      // ONNX: SAME_UPPER puts the odd pad at the end, everything else at the start
      pads[i] = autoPad === 'SAME_UPPER' ? half : total - half;
      pads[i + n] = total - pads[i];
    });
  } else if (autoPad === 'VALID') pads = Array(2 * n).fill(0);
  const out = full.map((f, i) => f - pads[i] - pads[i + n]);
  let win: Window = { kernel, strides, dilations, pads, same: false };
  if (n === 1) [x, w, win] = as2D(ctx, x, w, win);
  const out2 = n === 1 ? [1, out[0]] : out;
  // output_padding lands at the end: the gradient's input size absorbs it and EXPLICIT pads crop.
  // With a known batch the sizes are all four dims; otherwise TF's two-value form (H, W), which
  // keeps the static shape (N comes from the input, C from the filter).
  const batch = x.shape?.[0] ?? null;
  const sizes = int32s(ctx, batch !== null ? [batch, outC, ...out2] : out2);
  let y = ctx.op('Conv2DBackpropInput', [sizes, transpose(ctx, w, [2, 3, 1, 0]), x], convAttrs(win))[0];
  if (ctx.has(2)) y = ctx.op('BiasAdd', [y, ctx.input(2)], { data_format: 'NCHW' })[0];
  return [n === 1 ? ctx.op('Squeeze', [y], { squeeze_dims: [2] })[0] : y];
}

export const CONV_IMPORTS: OpTable = {
  Conv: always(conv),
  ConvTranspose: always(convTranspose),
};
