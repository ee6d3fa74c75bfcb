import { InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { dtypeHint, graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { defineOp } from '../op_def.js';
import { checkBackpropShapes, sizesOperand } from './backprop_shapes.js';
import {
  checkFloatPair, checkRank4, CONV_DEFAULTS, ConvAttrs, convParams, DataFormat, dimIndex, shapeIn, spatialOutput, } from './conv_params.js';
import { PaddingOption, paddingAttrs, sizesTensor, windowVector } from './options.js';

/**
 * Conv2D (HWIO filter, groups when the input depth is a multiple of the filter's) and its two
 * backprops as ops of their own, each differentiable in terms of the other two, as TF does, so
 * second-order gradients and conv2d_transpose (= Conv2DBackpropInput) come for free. Gradients:
 * grads.ts.
 */

export type Conv2DAttrs = ConvAttrs & { use_cudnn_on_gpu: boolean };
const DEFAULTS: Partial<Conv2DAttrs> = { ...CONV_DEFAULTS, use_cudnn_on_gpu: true };

/** TF's grouped-convolution depth rules. */
function checkGroups(inC: number | null, fi: number | null, fo: number | null): void {
  if (inC === null || fi === null) return;
  if (fi === 0 || inC % fi !== 0) throw new InvalidArgumentError(`Depth of input (${inC}) is not a multiple of input depth of filter (${fi})`);
  const groups = inC / fi;
  if (groups > 1 && fo !== null && fo % groups !== 0) {
    throw new InvalidArgumentError(`Depth of output (${fo}) is not a multiple of the number of groups (${groups})`);
  }
}

export const Conv2D = defineOp<Conv2DAttrs>()({
  type: 'Conv2D',
  attrDefaults: DEFAULTS,
  infer([x, f], attrs, ctx) {
    const dtype = checkFloatPair(['input', 'filter'], x, f, ctx.opType);
    checkRank4(x.shape);
    checkRank4(f.shape);
    const p = convParams(attrs, 'Conv2D');
    const [kh, kw, fi, fo] = f.shape ?? [null, null, null, null];
    checkGroups(x.shape === null ? null : x.shape[dimIndex(p.format, 'C')], fi, fo);
    const [n, oh, ow] = spatialOutput(x.shape, kh, kw, p);
    return [{ dtype, shape: shapeIn(p.format, n, oh, ow, fo) }];
  },
  lowering: { kind: 'routine', routine: 'Conv2D' },
});

export const Conv2DBackpropInput = defineOp<Conv2DAttrs>()({
  type: 'Conv2DBackpropInput',
  hostInputs: [0],
  attrDefaults: DEFAULTS,
  infer([sizes, f, dy], attrs, ctx) {
    const dtype = checkFloatPair(['filter', 'out_backprop'], f, dy, ctx.opType);
    checkRank4(f.shape);
    checkRank4(dy.shape);
    const p = convParams(attrs, 'Conv2DBackpropInput');
    const input = sizesOperand(sizes, 'input_sizes', p, { dy: dy.shape, filterDepth: f.shape?.[2] ?? null });
    checkBackpropShapes(ctx.opType, input, f.shape, dy.shape, p, false);
    return [{ dtype, shape: input }];
  },
  lowering: { kind: 'routine', routine: 'Conv2DBackpropInput' },
});

export const Conv2DBackpropFilter = defineOp<Conv2DAttrs>()({
  type: 'Conv2DBackpropFilter',
  hostInputs: [1],
  attrDefaults: DEFAULTS,
  infer([x, sizes, dy], attrs, ctx) {
    const dtype = checkFloatPair(['input', 'out_backprop'], x, dy, ctx.opType);
    checkRank4(x.shape);
    checkRank4(dy.shape);
    const p = convParams(attrs, 'Conv2DBackpropFilter');
    const filter = sizesOperand(sizes, 'filter_sizes', p, null);
    checkBackpropShapes(ctx.opType, x.shape, filter, dy.shape, p, false);
    return [{ dtype, shape: filter }];
  },
  lowering: { kind: 'routine', routine: 'Conv2DBackpropFilter' },
});

export interface Conv2DOptions {
  /** An int, or 1, 2 or 4 ints (4: in the data format's layout). */
  strides: number | readonly number[];
  padding: PaddingOption;
  dilations?: number | readonly number[];
  dataFormat?: DataFormat;
}

export function conv2dAttrs(options: Conv2DOptions): Conv2DAttrs {
  const format = options.dataFormat ?? 'NHWC';
  return {
    strides: windowVector(options.strides, format, 'strides'),
    ...paddingAttrs(options.padding),
    data_format: format,
    dilations: windowVector(options.dilations ?? 1, format, 'dilations'),
    use_cudnn_on_gpu: true,
  };
}

/**
 * tf.nn.conv2d: x [N,H,W,C] (or NCHW), filter [kh, kw, C/groups, out]. A filter with fewer input
 * channels than x makes a grouped convolution.
 */
export function conv2d(x: TensorLike, filter: TensorLike, options: Conv2DOptions, name?: string): Tensor {
  const g = graphOf([x, filter]);
  const hint = dtypeHint([x, filter]);
  return makeOp(Conv2D, [toTensor(x, hint, g), toTensor(filter, hint, g)], conv2dAttrs(options), { name, graph: g }).outputs[0];
}

/**
 * tf.nn.conv2d_transpose: the gradient of conv2d with respect to its input, with `filter`
 * [kh, kw, outChannels, inChannels] and the result's full shape given.
 */
export function conv2dTranspose(
  value: TensorLike, filter: TensorLike, outputShape: TensorLike | readonly number[], options: Conv2DOptions, name?: string,
): Tensor {
  const g = graphOf([value, filter, outputShape]);
  const hint = dtypeHint([value, filter]);
  const inputs = [sizesTensor(outputShape, g), toTensor(filter, hint, g), toTensor(value, hint, g)];
  return makeOp(Conv2DBackpropInput, inputs, conv2dAttrs(options), { name: name ?? 'conv2d_transpose', graph: g }).outputs[0];
}

/** tf.nn.conv2d_backprop_filter as a builder (the filter gradient of conv2d). */
export function conv2dBackpropFilter(
  x: TensorLike, filterSizes: TensorLike | readonly number[], dy: TensorLike, options: Conv2DOptions, name?: string,
): Tensor {
  const g = graphOf([x, filterSizes, dy]);
  const hint = dtypeHint([x, dy]);
  const inputs = [toTensor(x, hint, g), sizesTensor(filterSizes, g), toTensor(dy, hint, g)];
  return makeOp(Conv2DBackpropFilter, inputs, conv2dAttrs(options), { name, graph: g }).outputs[0];
}
