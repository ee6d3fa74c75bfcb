import { NDArray, type PartialShape, transposeArray } from '../../graph/ir/index.js';
import type { OnnxAttr, OnnxExportContext, OnnxFacet, OnnxOpView, OnnxTable, TypesOf } from '../op_def.js';
import { float, GRADIENT_ONLY, inNCHW, int, ints, onnx, rankOf, scalar, str } from '../onnx_mapping.js';
import type { NN_CONV_OPS, NN_TOP_K_OPS } from './index.js';

/**
 * Convolutions, pools and LRN run in ONNX's NCHW: an NHWC op becomes Transpose -> op ->
 * Transpose (which `cancel_transposes` removes between layers). SAME padding becomes explicit
 * pads where the spatial dims are known (TF puts the odd pixel after), SAME_UPPER otherwise.
 */

const HWIO_TO_OIHW = [3, 2, 0, 1];

interface Window {
  nhwc: boolean;
  /** [h, w] of each */
  strides: number[];
  dilations: number[];
}

function windowOf(ctx: OnnxExportContext, op: OnnxOpView, vec: 'strides' | 'ksize'): { nhwc: boolean; hw: number[] } {
  const nhwc = op.attrs.data_format !== 'NCHW';
  const v = op.attrs[vec] as number[];
  const [n, c, h, w] = nhwc ? [v[0], v[3], v[1], v[2]] : [v[0], v[1], v[2], v[3]];
  if (n !== 1 || c !== 1) ctx.refuse(`${vec} over the batch or channel dim (${JSON.stringify(v)})`);
  return { nhwc, hw: [h, w] };
}

function convWindow(ctx: OnnxExportContext, op: OnnxOpView): Window {
  const { nhwc, hw } = windowOf(ctx, op, 'strides');
  const d = (op.attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1];
  return { nhwc, strides: hw, dilations: nhwc ? [d[1], d[2]] : [d[2], d[3]] };
}

/** The spatial [h, w] dims of a data-format shape, when known. */
function spatial(shape: readonly (number | null)[] | null, nhwc: boolean): (number | null)[] {
  if (shape === null) return [null, null];
  return nhwc ? [shape[1], shape[2]] : [shape[2], shape[3]];
}

/** [top, left, bottom, right] for TF's padding, or auto_pad when SAME meets unknown dims. */
function padsFor(op: OnnxOpView, inHW: (number | null)[], k: number[], w: Window): Record<string, OnnxAttr> {
  const padding = op.attrs.padding as string;
  if (padding === 'VALID') return { pads: ints([0, 0, 0, 0]) };
  if (padding === 'EXPLICIT') {
    const e = op.attrs.explicit_paddings as number[];
    const [h, wd] = w.nhwc ? [2, 4] : [4, 6];
    return { pads: ints([e[h], e[wd], e[h + 1], e[wd + 1]]) };
  }
  if (inHW.some((d) => d === null)) return { auto_pad: str('SAME_UPPER') };
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < 2; i++) {
    const n = inHW[i] as number;
    const eff = (k[i] - 1) * w.dilations[i] + 1;
    const out = Math.ceil(n / w.strides[i]);
    const total = Math.max((out - 1) * w.strides[i] + eff - n, 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return { pads: ints([...before, ...after]) };
}

/** A TF filter (HWIO, or depthwise HWCM as HW1(C*M)) as ONNX's OIHW weight. */
function weight(ctx: OnnxExportContext, op: OnnxOpView, i: number, depthwise: boolean): string {
  const f = op.inputs[i];
  const s = f.shape;
  if (s === null || s.length !== 4 || s.some((d) => d === null)) ctx.refuse(`the filter shape must be known, got ${JSON.stringify(s)}`);
  const [kh, kw, c, m] = s as number[];
  const hwio = depthwise ? [kh, kw, 1, c * m] : [kh, kw, c, m];
  if (f.value) return ctx.constant(transposeArray(new NDArray(f.value.dtype, hwio, f.value.data), HWIO_TO_OIHW));
  const reshaped = depthwise ? ctx.node('Reshape', [f.name, ctx.int64s(hwio)])[0] : f.name;
  return ctx.node('Transpose', [reshaped], { perm: ints(HWIO_TO_OIHW) })[0];
}

/**
 * ONNX's `group`: how many times the filter's input depth fits in the depth of `shape` (the
 * forward input: Conv2D's input, Conv2DBackpropInput's output). TF groups a convolution when that
 * depth is a multiple of the filter's; an unknown depth cannot be exported faithfully.
 */
function groupsOf(ctx: OnnxExportContext, shape: PartialShape, nhwc: boolean, filterIn: number): number {
  const depth = shape && shape.length === 4 ? shape[nhwc ? 3 : 1] : null;
  if (depth === null || depth === undefined) ctx.refuse(`the input depth must be known to tell a grouped convolution, got shape ${JSON.stringify(shape)}`);
  if (depth % filterIn !== 0) ctx.refuse(`input depth ${depth} is not a multiple of the filter's input depth ${filterIn}`);
  return depth / filterIn;
}

function conv(depthwise: boolean): OnnxFacet {
  return onnx((ctx, op) => {
    const w = convWindow(ctx, op);
    const f = op.inputs[1].shape as number[];
    const wt = weight(ctx, op, 1, depthwise);
    const attrs = {
      kernel_shape: ints([f[0], f[1]]),
      strides: ints(w.strides),
      dilations: ints(w.dilations),
      group: int(depthwise ? f[2] : groupsOf(ctx, op.inputs[0].shape, w.nhwc, f[2])),
      ...padsFor(op, spatial(op.inputs[0].shape, w.nhwc), [f[0], f[1]], w),
    };
    inNCHW(ctx, w.nhwc, op.inputs[0].name, op.outputs[0].name, (x) => ctx.node('Conv', [x, wt], attrs)[0]);
  });
}

/**
 * The output's spatial [h, w]: from a constant input_sizes (TF accepts the full [N,H,W,C] or only
 * the spatial [H,W]), else from the output's static shape. The batch never matters: ONNX's
 * ConvTranspose takes it from dy, so sizes stacked from the runtime batch (tf.shape(x)[0]) export
 * as long as the spatial dims are known.
 */
function transposeTarget(ctx: OnnxExportContext, op: OnnxOpView, nhwc: boolean): number[] {
  const v = op.inputs[0].value;
  if (v) {
    const sizes = Array.from(v.data as ArrayLike<number>);
    if (sizes.length !== 4 && sizes.length !== 2) ctx.refuse(`input_sizes must have 4 or 2 elements, got ${sizes.length}`);
    return sizes.length === 2 ? sizes : nhwc ? [sizes[1], sizes[2]] : [sizes[2], sizes[3]];
  }
  const hw = spatial(op.outputs[0].shape, nhwc);
  if (hw.some((d) => d === null)) {
    ctx.refuse(`input_sizes ('${op.inputs[0].name}') is not a constant and the output's height and width are unknown (output shape ${JSON.stringify(op.outputs[0].shape)})`);
  }
  return hw as number[];
}

/** conv2d_transpose: the gradient of Conv2D w.r.t. its input, with known output height and width. */
const convTranspose = onnx((ctx, op) => {
  const w = convWindow(ctx, op);
  const target = transposeTarget(ctx, op, w.nhwc);
  const f = op.inputs[1].shape as number[];
  const wt = weight(ctx, op, 1, false);
  const pads = padsFor(op, target, [f[0], f[1]], w).pads as { ints: number[] };
  const outputPadding = [0, 1].map((i) => {
    const eff = (f[i] - 1) * w.dilations[i] + 1;
    const [pb, pe] = [pads.ints[i], pads.ints[i + 2]];
    const convOut = Math.floor((target[i] + pb + pe - eff) / w.strides[i]) + 1;
    return target[i] - (w.strides[i] * (convOut - 1) + eff - pb - pe);
  });
  const attrs = {
    kernel_shape: ints([f[0], f[1]]),
    strides: ints(w.strides),
    dilations: ints(w.dilations),
    pads: ints(pads.ints),
    output_padding: ints(outputPadding),
    group: int(groupsOf(ctx, op.outputs[0].shape, w.nhwc, f[2])),
  };
  inNCHW(ctx, w.nhwc, op.inputs[2].name, op.outputs[0].name, (dy) => ctx.node('ConvTranspose', [dy, wt], attrs)[0]);
});

function pool(onnxType: 'MaxPool' | 'AveragePool'): OnnxFacet {
  return onnx((ctx, op) => {
    const { nhwc, hw: k } = windowOf(ctx, op, 'ksize');
    const { hw: strides } = windowOf(ctx, op, 'strides');
    const w: Window = { nhwc, strides, dilations: [1, 1] };
    const attrs: Record<string, OnnxAttr> = { kernel_shape: ints(k), strides: ints(strides), ...padsFor(op, spatial(op.inputs[0].shape, nhwc), k, w) };
    // TF's average ignores the padding
    if (onnxType === 'AveragePool') attrs.count_include_pad = int(0);
    inNCHW(ctx, nhwc, op.inputs[0].name, op.outputs[0].name, (x) => ctx.node(onnxType, [x], attrs)[0]);
  });
}

export const NN_CONV_ONNX: OnnxTable<TypesOf<typeof NN_CONV_OPS>> = {
  Conv2D: conv(false),
  Conv2DBackpropInput: convTranspose,
  Conv2DBackpropFilter: GRADIENT_ONLY,
  DepthwiseConv2dNative: conv(true),
  DepthwiseConv2dNativeBackpropInput: GRADIENT_ONLY,
  DepthwiseConv2dNativeBackpropFilter: GRADIENT_ONLY,
  MaxPool: pool('MaxPool'),
  MaxPoolGrad: GRADIENT_ONLY,
  MaxPoolGradGrad: GRADIENT_ONLY,
  AvgPool: pool('AveragePool'),
  AvgPoolGrad: GRADIENT_ONLY,
  BiasAdd: onnx((ctx, op) => {
    const [x, b] = op.inputs.map((v) => v.name);
    if (op.attrs.data_format !== 'NCHW') {
      ctx.node('Add', [x, b], {}, [op.outputs[0].name]);
      return;
    }
    // channels are dim 1: bias [C] -> [C, 1, ..., 1]
    const rank = rankOf(ctx, op, 0);
    const shaped = ctx.node('Reshape', [b, ctx.int64s([-1, ...new Array<number>(rank - 2).fill(1)])])[0];
    ctx.node('Add', [x, shaped], {}, [op.outputs[0].name]);
  }),
  BiasAddGrad: GRADIENT_ONLY,
  // TF sums squares over [c - r, c + r]; ONNX's LRN divides alpha by the window size
  LRN: onnx((ctx, op) => {
    const r = op.attrs.depth_radius as number;
    const size = 2 * r + 1;
    const attrs = { size: int(size), alpha: float((op.attrs.alpha as number) * size), beta: float(op.attrs.beta as number), bias: float(op.attrs.bias as number) };
    inNCHW(ctx, true, op.inputs[0].name, op.outputs[0].name, (x) => ctx.node('LRN', [x], attrs)[0]);
  }),
  LRNGrad: GRADIENT_ONLY,
};

/** ONNX's K: a 1-D int64 operand (TF's k is an int32 scalar). */
function kOperand(ctx: OnnxExportContext, op: OnnxOpView, i: number): string {
  const k = op.inputs[i];
  if (k.value) return ctx.int64s([Number(k.value.data[0])]);
  return ctx.node('Reshape', [ctx.cast(k.name, k.dtype, 'int64'), ctx.int64s([1])])[0];
}

/**
 * InTopKV2 composed from ONNX ops: the target's prediction (GatherElements, with out-of-range
 * targets clamped to 0 and answered false afterwards), how many classes score strictly more, and
 * whether the row has a non-finite prediction (then TF answers false).
 */
const inTopK = onnx((ctx, op) => {
  const [p, t, k] = op.inputs;
  const zero = scalar(ctx, 0, 'int64');
  const t64 = ctx.cast(t.name, t.dtype, 'int64');
  const classes = ctx.node('Gather', [ctx.node('Shape', [p.name])[0], scalar(ctx, 1, 'int64')])[0];
  const inRange = ctx.node('And', [ctx.node('GreaterOrEqual', [t64, zero])[0], ctx.node('Less', [t64, classes])[0]])[0];
  const col = ctx.node('Unsqueeze', [ctx.node('Where', [inRange, t64, zero])[0], ctx.int64s([1])])[0];
  const target = ctx.node('GatherElements', [p.name, col], { axis: int(1) })[0];
  const countRow = (bools: string): string => ctx.node('ReduceSum', [ctx.cast(bools, 'bool', 'int64'), ctx.int64s([1])], { keepdims: int(0) })[0];
  const more = countRow(ctx.node('Greater', [p.name, target])[0]);
  const nonFinite = countRow(ctx.node('Or', [ctx.node('IsInf', [p.name])[0], ctx.node('IsNaN', [p.name])[0]])[0]);
  const finite = ctx.node('Equal', [nonFinite, zero])[0];
  const inTop = ctx.node('Less', [more, ctx.cast(k.name, k.dtype, 'int64')])[0];
  ctx.node('And', [inRange, ctx.node('And', [finite, inTop])[0]], {}, [op.outputs[0].name]);
});

/** TopKV2 is ONNX's TopK on the last axis (largest first, ties lower index first in both); ONNX's int64 indices become int32. */
export const NN_TOP_K_ONNX: OnnxTable<TypesOf<typeof NN_TOP_K_OPS>> = {
  TopKV2: onnx((ctx, op) => {
    const [, indices] = ctx.node('TopK', [op.inputs[0].name, kOperand(ctx, op, 1)], { axis: int(-1), largest: int(1), sorted: int(1) }, [op.outputs[0].name, ctx.fresh('indices')]);
    ctx.node('Identity', [ctx.cast(indices, 'int64', 'int32')], {}, [op.outputs[1].name]);
  }),
  InTopKV2: inTopK,
};
