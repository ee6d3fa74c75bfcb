import { GraphKeys, InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { TensorLike, toTensor } from '../../ops/builder.js';
import { add, mul, sub } from '../../ops/elementwise/math_binary.js';
import { where } from '../../ops/elementwise/compare.js';
import { matMul } from '../../ops/matmul/matmul.js';
import { reshape } from '../../ops/array/reshape.js';
import { cast } from '../../ops/array/cast.js';
import { Initializer, onesInitializer, zerosInitializer } from '../initializers.js';
import { getVariable, Regularizer, Reuse, variableScope } from '../variable_scope.js';
import { uniqueLayerName } from './layer_names.js';
import { addArgScope, withArgScope } from './arg_scope.js';
import { dropout as nnDropout } from '../dropout.js';
import { moments, batchNormalization as bnCompose } from '../../ops/normalization/moments.js';
import { fusedBatchNorm } from '../../ops/normalization/fused_batch_norm.js';
import { identity } from '../../ops/control/control.js';

export type Activation = (x: Tensor) => Tensor;

export interface DenseOptions {
  activation?: Activation | null;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
  trainable?: boolean;
  name?: string;
  reuse?: Reuse;
}

/** tf.layers.dense: `name/kernel` [in, units] and `name/bias`; rank > 2 inputs act on the last axis. */
export function dense(inputs: TensorLike, units: number, options: DenseOptions = {}): Tensor {
  options = withArgScope(dense, options);
  const x = toTensor(inputs);
  const inDim = x.shape?.[x.shape.length - 1];
  if (inDim === null || inDim === undefined) throw new InvalidArgumentError('The last dimension of the inputs to `Dense` should be defined. Found `None`.');
  const name = options.name ?? uniqueLayerName(x.graph, 'dense');
  return variableScope(name, { reuse: options.reuse }, () => {
    const kernel = getVariable('kernel', { shape: [inDim, units], initializer: options.kernelInitializer, regularizer: options.kernelRegularizer, trainable: options.trainable });
    const rank = x.rank ?? 2;
    let y = rank === 2 ? matMul(x, kernel) : reshape(matMul(reshape(x, [-1, inDim]), kernel), [...(x.shape ?? []).slice(0, -1).map((d) => d ?? -1), units]);
    if (options.useBias ?? true) {
      const bias = getVariable('bias', { shape: [units], initializer: options.biasInitializer ?? zerosInitializer(), regularizer: options.biasRegularizer, trainable: options.trainable });
      y = add(y, bias);
    }
    return options.activation ? options.activation(y) : y;
  });
}

/** tf.layers.flatten: [batch, ...] to [batch, prod(...)]. */
export function flatten(inputs: TensorLike, options: { name?: string } = {}): Tensor {
  options = withArgScope(flatten, options);
  const x = toTensor(inputs);
  const s = x.shape;
  if (s === null) throw new InvalidArgumentError('flatten needs inputs of known rank');
  const rest = s.slice(1);
  const n = rest.every((d) => d !== null) ? (rest as number[]).reduce((a, b) => a * b, 1) : -1;
  return x.graph.nameScope(options.name ?? uniqueLayerName(x.graph, 'flatten'), () => reshape(x, [n === -1 ? (s[0] ?? -1) : -1, n === -1 ? -1 : n]));
}

/** `training` may be a JS boolean or a bool tensor (both branches are built; `where` picks). */
export type TrainingFlag = boolean | Tensor;

/** tf.layers.dropout: identity unless training. */
export function dropout(inputs: TensorLike, options: { rate?: number; noiseShape?: readonly number[]; seed?: number; training?: TrainingFlag; name?: string } = {}): Tensor {
  options = withArgScope(dropout, options);
  const x = toTensor(inputs);
  const rate = options.rate ?? 0.5;
  const training = options.training ?? false;
  return x.graph.nameScope(options.name ?? uniqueLayerName(x.graph, 'dropout'), () => {
    if (training === false || rate === 0) return identity(x);
    const dropped = nnDropout(x, { rate, noiseShape: options.noiseShape, seed: options.seed });
    return training === true ? dropped : where(training, dropped, x);
  });
}

export interface BatchNormLayerOptions {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  training?: TrainingFlag;
  trainable?: boolean;
  name?: string;
  reuse?: Reuse;
  /** Use the fused kernel for 4-D inputs normalised over the last axis (default true). */
  fused?: boolean;
}

/**
 * tf.layers.batch_normalization: gamma/beta trainable, moving_mean/moving_variance not. In
 * training mode the moving averages are updated by ops added to UPDATE_OPS (run them with the
 * train op, as in TF1); at inference the moving statistics are used.
 */
export function batchNormalization(inputs: TensorLike, options: BatchNormLayerOptions = {}): Tensor {
  options = withArgScope(batchNormalization, options);
  const x = toTensor(inputs);
  const rank = x.rank;
  if (rank === null) throw new InvalidArgumentError('batchNormalization needs inputs of known rank');
  const axis = (options.axis ?? -1) < 0 ? rank + (options.axis ?? -1) : options.axis!;
  const c = x.shape![axis];
  if (c === null) throw new InvalidArgumentError(`batchNormalization: the normalised axis ${axis} must have a known size`);
  const momentum = options.momentum ?? 0.99;
  const eps = options.epsilon ?? 0.001;
  const training = options.training ?? false;
  const name = options.name ?? uniqueLayerName(x.graph, 'batch_normalization');
  return variableScope(name, { reuse: options.reuse }, () => {
    const gamma = options.scale ?? true ? getVariable('gamma', { shape: [c], initializer: onesInitializer(), trainable: options.trainable }) : null;
    const beta = options.center ?? true ? getVariable('beta', { shape: [c], initializer: zerosInitializer(), trainable: options.trainable }) : null;
    const movingMean = getVariable('moving_mean', { shape: [c], initializer: zerosInitializer(), trainable: false });
    const movingVar = getVariable('moving_variance', { shape: [c], initializer: onesInitializer(), trainable: false });
    const scaleT = gamma ? gamma.value() : toTensor(1, 'float32', x.graph);
    const offsetT = beta ? beta.value() : toTensor(0, 'float32', x.graph);
    const inference = bnCompose(x, movingMean, movingVar, offsetT, scaleT, eps);
    if (training === false) return inference;

    const reduceAxes = Array.from({ length: rank }, (_v, i) => i).filter((i) => i !== axis);
    let normed: Tensor;
    let batchMean: Tensor;
    let batchVar: Tensor;
    if ((options.fused ?? true) && rank === 4 && axis === 3 && gamma && beta) {
      [normed, batchMean, batchVar] = fusedBatchNorm(x, gamma, beta, { epsilon: eps, isTraining: true });
    } else {
      [batchMean, batchVar] = moments(x, reduceAxes);
      normed = bnCompose(x, batchMean, batchVar, offsetT, scaleT, eps);
    }
    const decay = training === true ? toTensor(1 - momentum, 'float32', x.graph) : mul(1 - momentum, cast(training, 'float32'));
    const updMean = movingMean.assignSub(mul(sub(movingMean, batchMean), decay), 'AssignMovingAvg');
    const updVar = movingVar.assignSub(mul(sub(movingVar, batchVar), decay), 'AssignMovingAvg_1');
    x.graph.addToCollection(GraphKeys.UPDATE_OPS, updMean.op);
    x.graph.addToCollection(GraphKeys.UPDATE_OPS, updVar.op);
    return training === true ? normed : where(training, normed, inference);
  });
}

// every layer takes defaults from tg.argScope
for (const f of [dense, flatten, dropout, batchNormalization]) addArgScope(f);
