import { InvalidArgumentError, mergeShapes, NDArray, Tensor } from '../../graph/ir/index.js';
import { TensorLike, toTensor } from '../../ops/builder.js';
import { conv2d as nnConv2d, conv2dTranspose as nnConv2dTranspose } from '../../ops/nn/conv2d.js';
import { separableConv2d as nnSeparable } from '../../ops/nn/depthwise.js';
import { avgPool, maxPool } from '../../ops/nn/pool.js';
import { biasAdd } from '../../ops/nn/bias_add.js';
import { gather } from '../../ops/array/gather.js';
import { stack } from '../../ops/array/pack.js';
import { shape as shapeOf } from '../../ops/array/reshape.js';
import { Initializer, zerosInitializer } from '../initializers.js';
import { getVariable, variableScope } from '../variable_scope.js';
import { uniqueLayerName } from './layer_names.js';
import { addArgScope, withArgScope } from './arg_scope.js';
import type { DenseOptions } from './core.js';

type Pair = number | readonly [number, number];
type Padding = 'valid' | 'same' | 'VALID' | 'SAME';

const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
const upper = (p: Padding): 'VALID' | 'SAME' => (p.toUpperCase() === 'SAME' ? 'SAME' : 'VALID');

/** The dense layer's options (activation, bias, initializers, regularizers, name, reuse) plus the window. */
export interface Conv2DLayerOptions extends DenseOptions {
  strides?: Pair;
  padding?: Padding;
  dilationRate?: Pair;
}

function channelsOf(x: Tensor, layer: string): number {
  const c = x.shape?.[3];
  if (c === null || c === undefined || x.rank !== 4) {
    throw new InvalidArgumentError(`${layer}: inputs must be 4-D NHWC with a known channel count, got ${x.toString()}`);
  }
  return c;
}

function finish(y: Tensor, filters: number, o: Conv2DLayerOptions): Tensor {
  let out = y;
  if (o.useBias ?? true) {
    const bias = getVariable('bias', { shape: [filters], initializer: o.biasInitializer ?? zerosInitializer(), regularizer: o.biasRegularizer, trainable: o.trainable });
    out = biasAdd(out, bias);
  }
  return o.activation ? o.activation(out) : out;
}

/** tf.layers.conv2d (channels_last): `name/kernel` [kh, kw, in, filters], `name/bias`. */
export function conv2d(inputs: TensorLike, filters: number, kernelSize: Pair, options: Conv2DLayerOptions = {}): Tensor {
  options = withArgScope(conv2d, options);
  const x = toTensor(inputs);
  const inC = channelsOf(x, 'conv2d');
  const [kh, kw] = pair(kernelSize);
  return variableScope(options.name ?? uniqueLayerName(x.graph, 'conv2d'), { reuse: options.reuse }, () => {
    const kernel = getVariable('kernel', { shape: [kh, kw, inC, filters], initializer: options.kernelInitializer, regularizer: options.kernelRegularizer, trainable: options.trainable });
    const y = nnConv2d(x, kernel, { strides: pair(options.strides ?? 1), padding: upper(options.padding ?? 'valid'), dilations: pair(options.dilationRate ?? 1) });
    return finish(y, filters, options);
  });
}

/** tf.layers.separable_conv2d: depthwise then pointwise kernels, one bias. */
export function separableConv2d(inputs: TensorLike, filters: number, kernelSize: Pair, options: Conv2DLayerOptions & { depthMultiplier?: number; pointwiseInitializer?: Initializer } = {}): Tensor {
  options = withArgScope(separableConv2d, options);
  const x = toTensor(inputs);
  const inC = channelsOf(x, 'separable_conv2d');
  const [kh, kw] = pair(kernelSize);
  const mult = options.depthMultiplier ?? 1;
  return variableScope(options.name ?? uniqueLayerName(x.graph, 'separable_conv2d'), { reuse: options.reuse }, () => {
    const dw = getVariable('depthwise_kernel', { shape: [kh, kw, inC, mult], initializer: options.kernelInitializer, trainable: options.trainable });
    const pw = getVariable('pointwise_kernel', { shape: [1, 1, inC * mult, filters], initializer: options.pointwiseInitializer ?? options.kernelInitializer, trainable: options.trainable });
    const y = nnSeparable(x, dw, pw, { strides: pair(options.strides ?? 1), padding: upper(options.padding ?? 'valid'), dilations: pair(options.dilationRate ?? 1) });
    return finish(y, filters, options);
  });
}

/** tf.layers.conv2d_transpose: kernel [kh, kw, filters, in]; output size in*stride (same) or (in-1)*stride+k (valid). */
export function conv2dTranspose(inputs: TensorLike, filters: number, kernelSize: Pair, options: Conv2DLayerOptions = {}): Tensor {
  options = withArgScope(conv2dTranspose, options);
  const x = toTensor(inputs);
  const inC = channelsOf(x, 'conv2d_transpose');
  const [kh, kw] = pair(kernelSize);
  const [sh, sw] = pair(options.strides ?? 1);
  const pad = upper(options.padding ?? 'valid');
  const [h, w] = [x.shape![1], x.shape![2]];
  if (h === null || w === null) throw new InvalidArgumentError('conv2d_transpose needs inputs with known height and width');
  const oh = pad === 'SAME' ? h * sh : (h - 1) * sh + kh;
  const ow = pad === 'SAME' ? w * sw : (w - 1) * sw + kw;
  return variableScope(options.name ?? uniqueLayerName(x.graph, 'conv2d_transpose'), { reuse: options.reuse }, () => {
    const kernel = getVariable('kernel', { shape: [kh, kw, filters, inC], initializer: options.kernelInitializer, regularizer: options.kernelRegularizer, trainable: options.trainable });
    const batch = x.shape![0];
    const outShape = batch !== null ? [batch, oh, ow, filters] : stack([gather(shapeOf(x), NDArray.scalar(0, 'int32')), oh, ow, filters]);
    const y = nnConv2dTranspose(x, kernel, outShape, { strides: [sh, sw], padding: pad });
    // the output-size operand is only partly constant; the static shape is known (TF's set_shape)
    y.setShape(mergeShapes(y.shape, [batch, oh, ow, filters], 'conv2d_transpose'));
    return finish(y, filters, options);
  });
}

export interface Pool2DOptions {
  padding?: Padding;
  name?: string;
}

/** tf.layers.max_pooling2d(inputs, poolSize, strides). */
export function maxPooling2d(inputs: TensorLike, poolSize: Pair, strides: Pair, options: Pool2DOptions = {}): Tensor {
  options = withArgScope(maxPooling2d, options);
  const x = toTensor(inputs);
  return x.graph.nameScope(options.name ?? uniqueLayerName(x.graph, 'max_pooling2d'), () =>
    maxPool(x, { ksize: pair(poolSize), strides: pair(strides), padding: upper(options.padding ?? 'valid') }),
  );
}

/** tf.layers.average_pooling2d(inputs, poolSize, strides). */
export function averagePooling2d(inputs: TensorLike, poolSize: Pair, strides: Pair, options: Pool2DOptions = {}): Tensor {
  options = withArgScope(averagePooling2d, options);
  const x = toTensor(inputs);
  return x.graph.nameScope(options.name ?? uniqueLayerName(x.graph, 'average_pooling2d'), () =>
    avgPool(x, { ksize: pair(poolSize), strides: pair(strides), padding: upper(options.padding ?? 'valid') }),
  );
}

// every layer takes defaults from tg.argScope
for (const f of [conv2d, separableConv2d, conv2dTranspose, maxPooling2d, averagePooling2d]) addArgScope(f);
