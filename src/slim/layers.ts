import { InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { TensorLike, toTensor } from '../../ops/builder.js';
import { conv2d as nnConv2d } from '../../ops/nn/conv2d.js';
import { maxPool } from '../../ops/nn/pool.js';
import { biasAdd } from '../../ops/nn/bias_add.js';
import { matMul } from '../../ops/matmul/matmul.js';
import { relu } from '../../ops/elementwise/math_unary.js';
import { Initializer, xavierInitializer, zerosInitializer } from '../initializers.js';
import { getVariable, Regularizer, variableScope } from '../variable_scope.js';
import { addArgScope, withArgScope } from '../layers/arg_scope.js';
import { uniqueLayerName } from '../layers/layer_names.js';

type Pair = number | readonly [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** TF-Slim layer options; Slim's defaults differ from tf.layers: relu, SAME, `weights`/`biases`. */
export interface SlimLayerOptions {
  /** Default relu; null for none. */
  activationFn?: ((x: Tensor) => Tensor) | null;
  weightsInitializer?: Initializer;
  weightsRegularizer?: Regularizer;
  biasesInitializer?: Initializer;
  biasesRegularizer?: Regularizer;
  trainable?: boolean;
  scope?: string;
}

export interface SlimConv2DOptions extends SlimLayerOptions {
  stride?: Pair;
  /** Default 'SAME'. */
  padding?: 'SAME' | 'VALID';
  rate?: Pair;
}

function finish(y: Tensor, n: number, o: SlimLayerOptions): Tensor {
  const b = getVariable('biases', { shape: [n], initializer: o.biasesInitializer ?? zerosInitializer(), regularizer: o.biasesRegularizer, trainable: o.trainable });
  const out = biasAdd(y, b);
  const act = o.activationFn === undefined ? relu : o.activationFn;
  return act ? act(out) : out;
}

/** slim.conv2d(inputs, numOutputs, kernelSize, {stride, padding: 'SAME', activationFn: relu, scope}): `scope/weights`, `scope/biases`. */
export function conv2d(inputs: TensorLike, numOutputs: number, kernelSize: Pair, options: SlimConv2DOptions = {}): Tensor {
  options = withArgScope(conv2d, options);
  const x = toTensor(inputs);
  const c = x.shape?.[3];
  if (x.rank !== 4 || c === null || c === undefined) throw new InvalidArgumentError(`slim.conv2d: inputs must be 4-D NHWC with known channels, got ${x.toString()}`);
  const [kh, kw] = pair(kernelSize);
  return variableScope(options.scope ?? uniqueLayerName(x.graph, 'Conv'), () => {
    const w = getVariable('weights', { shape: [kh, kw, c, numOutputs], initializer: options.weightsInitializer ?? xavierInitializer(), regularizer: options.weightsRegularizer, trainable: options.trainable });
    const y = nnConv2d(x, w, { strides: pair(options.stride ?? 1), padding: options.padding ?? 'SAME', dilations: pair(options.rate ?? 1) });
    return finish(y, numOutputs, options);
  });
}

/** slim.fully_connected(inputs [batch, n], numOutputs, {activationFn: relu, scope}). */
export function fullyConnected(inputs: TensorLike, numOutputs: number, options: SlimLayerOptions = {}): Tensor {
  options = withArgScope(fullyConnected, options);
  const x = toTensor(inputs);
  const n = x.shape?.[1];
  if (x.rank !== 2 || n === null || n === undefined) throw new InvalidArgumentError(`slim.fully_connected: inputs must be [batch, n] with known n, got ${x.toString()}`);
  return variableScope(options.scope ?? uniqueLayerName(x.graph, 'fully_connected'), () => {
    const w = getVariable('weights', { shape: [n, numOutputs], initializer: options.weightsInitializer ?? xavierInitializer(), regularizer: options.weightsRegularizer, trainable: options.trainable });
    return finish(matMul(x, w), numOutputs, options);
  });
}

/** slim.max_pool2d(inputs, kernelSize, {stride: 2, padding: 'VALID', scope}). */
export function maxPool2d(inputs: TensorLike, kernelSize: Pair, options: { stride?: Pair; padding?: 'SAME' | 'VALID'; scope?: string } = {}): Tensor {
  options = withArgScope(maxPool2d, options);
  const x = toTensor(inputs);
  const [kh, kw] = pair(kernelSize);
  const [sh, sw] = pair(options.stride ?? 2);
  return x.graph.nameScope(options.scope ?? 'MaxPool2D', () => maxPool(x, { ksize: [1, kh, kw, 1], strides: [1, sh, sw, 1], padding: options.padding ?? 'VALID' }));
}

for (const f of [conv2d, fullyConnected, maxPool2d]) addArgScope(f);
