import { InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { dtypeHint, graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { defineOp } from '../op_def.js';
import { checkBackpropShapes, sizesOperand } from './backprop_shapes.js';
import {
  checkFloatPair, checkRank4, CONV_DEFAULTS, ConvAttrs, convParams, DataFormat, dimIndex, shapeIn, spatialOutput, } from './conv_params.js';
import { Conv2D, conv2dAttrs } from './conv2d.js';
import { PaddingOption, paddingAttrs, sizesTensor, windowVector } from './options.js';

/**
 * DepthwiseConv2dNative (filter [kh, kw, in, multiplier], output channel c*multiplier + m) and its
 * backprops, differentiable in terms of each other as TF registers them.
 */

export const LABEL = 'DepthwiseConv2D';

export const DepthwiseConv2dNative = defineOp<ConvAttrs>()({
  type: 'DepthwiseConv2dNative',
  attrDefaults: CONV_DEFAULTS,
  infer([x, f], attrs, ctx) {
    const dtype = checkFloatPair(['input', 'filter'], x, f, ctx.opType);
    checkRank4(x.shape);
    checkRank4(f.shape);
    const p = convParams(attrs, LABEL);
    const [kh, kw, fi, mult] = f.shape ?? [null, null, null, null];
    const inC = x.shape === null ? null : x.shape[dimIndex(p.format, 'C')];
    if (inC !== null && fi !== null && inC !== fi) throw new InvalidArgumentError(`Dimensions must be equal, but are ${inC} and ${fi}`);
    const c = inC ?? fi;
    const [n, oh, ow] = spatialOutput(x.shape, kh, kw, p);
    return [{ dtype, shape: shapeIn(p.format, n, oh, ow, c === null || mult === null ? null : c * mult) }];
  },
  lowering: { kind: 'routine', routine: 'DepthwiseConv2dNative' },
});

export const DepthwiseConv2dNativeBackpropInput = defineOp<ConvAttrs>()({
  type: 'DepthwiseConv2dNativeBackpropInput',
  hostInputs: [0],
  attrDefaults: CONV_DEFAULTS,
  infer([sizes, f, dy], attrs, ctx) {
    const dtype = checkFloatPair(['filter', 'out_backprop'], f, dy, ctx.opType);
    checkRank4(f.shape);
    checkRank4(dy.shape);
    const p = convParams(attrs, LABEL);
    const input = sizesOperand(sizes, 'input_sizes', p, null);
    checkBackpropShapes(ctx.opType, input, f.shape, dy.shape, p, true);
    return [{ dtype, shape: input }];
  },
  lowering: { kind: 'routine', routine: 'DepthwiseConv2dNativeBackpropInput' },
});

export const DepthwiseConv2dNativeBackpropFilter = defineOp<ConvAttrs>()({
  type: 'DepthwiseConv2dNativeBackpropFilter',
  hostInputs: [1],
  attrDefaults: CONV_DEFAULTS,
  infer([x, sizes, dy], attrs, ctx) {
    const dtype = checkFloatPair(['input', 'out_backprop'], x, dy, ctx.opType);
    checkRank4(x.shape);
    checkRank4(dy.shape);
    const p = convParams(attrs, LABEL);
    const filter = sizesOperand(sizes, 'filter_sizes', p, null);
    checkBackpropShapes(ctx.opType, x.shape, filter, dy.shape, p, true);
    return [{ dtype, shape: filter }];
  },
  lowering: { kind: 'routine', routine: 'DepthwiseConv2dNativeBackpropFilter' },
});

export interface DepthwiseConv2DOptions {
  strides: number | readonly number[];
  padding: PaddingOption;
  /** TF1's `rate`: the dilation, an int or [rateH, rateW]. */
  rate?: number | readonly number[];
  dilations?: number | readonly number[];
  dataFormat?: DataFormat;
}

function depthwiseAttrs(options: DepthwiseConv2DOptions): ConvAttrs {
  const format = options.dataFormat ?? 'NHWC';
  if (options.rate !== undefined && options.dilations !== undefined) {
    throw new InvalidArgumentError('depthwise_conv2d: give either rate or dilations, not both');
  }
  return {
    strides: windowVector(options.strides, format, 'strides'),
    ...paddingAttrs(options.padding),
    data_format: format,
    dilations: windowVector(options.rate ?? options.dilations ?? 1, format, options.rate !== undefined ? 'rate' : 'dilations'),
  };
}

/** tf.nn.depthwise_conv2d: filter [kh, kw, in, multiplier], output depth in * multiplier. */
export function depthwiseConv2d(x: TensorLike, filter: TensorLike, options: DepthwiseConv2DOptions, name?: string): Tensor {
  const g = graphOf([x, filter]);
  const hint = dtypeHint([x, filter]);
  return makeOp(DepthwiseConv2dNative, [toTensor(x, hint, g), toTensor(filter, hint, g)], depthwiseAttrs(options), { name, graph: g }).outputs[0];
}

/**
 * tf.nn.separable_conv2d: a depthwise convolution (strides, padding, rate) followed by a 1x1
 * convolution with `pointwiseFilter` [1, 1, in * multiplier, out], stride 1, VALID.
 */
export function separableConv2d(
  x: TensorLike, depthwiseFilter: TensorLike, pointwiseFilter: TensorLike, options: DepthwiseConv2DOptions, name?: string,
): Tensor {
  const g = graphOf([x, depthwiseFilter, pointwiseFilter]);
  const hint = dtypeHint([x, depthwiseFilter, pointwiseFilter]);
  const pw = toTensor(pointwiseFilter, hint, g);
  const ps = pw.shape;
  if (ps !== null && ps.length === 4 && ((ps[0] !== null && ps[0] !== 1) || (ps[1] !== null && ps[1] !== 1))) {
    throw new InvalidArgumentError(`separable_conv2d: pointwise_filter must be [1, 1, in, out], got [${ps.map((d) => d ?? '?').join(',')}]`);
  }
  const attrs = depthwiseAttrs(options);
  return g.nameScope(name ?? 'separable_conv2d', () => {
    const dw = makeOp(DepthwiseConv2dNative, [toTensor(x, hint, g), toTensor(depthwiseFilter, hint, g)], attrs, { name: 'depthwise', graph: g }).outputs[0];
    const pointwise = conv2dAttrs({ strides: 1, padding: 'VALID', dataFormat: options.dataFormat });
    return makeOp(Conv2D, [dw, pw], pointwise, { name: 'pointwise', graph: g }).outputs[0];
  });
}

/** tf.nn.depthwise_conv2d_backprop_input: the input gradient of depthwiseConv2d. */
export function depthwiseConv2dBackpropInput(
  inputSizes: TensorLike | readonly number[], filter: TensorLike, dy: TensorLike, options: DepthwiseConv2DOptions, name?: string,
): Tensor {
  const g = graphOf([inputSizes, filter, dy]);
  const hint = dtypeHint([filter, dy]);
  const inputs = [sizesTensor(inputSizes, g), toTensor(filter, hint, g), toTensor(dy, hint, g)];
  return makeOp(DepthwiseConv2dNativeBackpropInput, inputs, depthwiseAttrs(options), { name, graph: g }).outputs[0];
}

/** tf.nn.depthwise_conv2d_backprop_filter: the filter gradient of depthwiseConv2d. */
export function depthwiseConv2dBackpropFilter(
  x: TensorLike, filterSizes: TensorLike | readonly number[], dy: TensorLike, options: DepthwiseConv2DOptions, name?: string,
): Tensor {
  const g = graphOf([x, filterSizes, dy]);
  const hint = dtypeHint([x, dy]);
  const inputs = [toTensor(x, hint, g), sizesTensor(filterSizes, g), toTensor(dy, hint, g)];
  return makeOp(DepthwiseConv2dNativeBackpropFilter, inputs, depthwiseAttrs(options), { name, graph: g }).outputs[0];
}
