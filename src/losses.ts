import { getDefaultGraph, GraphKeys, InvalidArgumentError, Tensor } from '../graph/ir/index.js';
import { graphOf, TensorLike, toTensor } from '../ops/builder.js';
import { add, div, minimum, mul, sub } from '../ops/elementwise/math_binary.js';
import { abs, square } from '../ops/elementwise/math_unary.js';
import { greater, notEqual, where } from '../ops/elementwise/compare.js';
import { reduceSum } from '../ops/reduce/reductions.js';
import { cast } from '../ops/array/cast.js';
import { onesLike } from '../ops/array/fill_like.js';
import { size } from '../ops/array/reshape.js';
import { sparseSoftmaxCrossEntropyWithLogits } from '../ops/loss/cross_entropy.js';
import { sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits } from '../ops/loss/losses.js';

/** TF1's tf.losses.Reduction. */
export const Reduction = {
  NONE: 'none',
  SUM: 'weighted_sum',
  MEAN: 'weighted_mean',
  SUM_OVER_BATCH_SIZE: 'weighted_sum_over_batch_size',
  SUM_BY_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
} as const;
export type ReductionValue = (typeof Reduction)[keyof typeof Reduction];

export interface LossOptions {
  weights?: TensorLike;
  reduction?: ReductionValue;
  /** Collection the loss is added to (TF1: tf.GraphKeys.LOSSES); null for none. */
  lossCollection?: string | null;
}

/** TF1's compute_weighted_loss: weight, reduce, and record the loss in its collection. */
export function computeWeightedLoss(losses: TensorLike, options: LossOptions = {}, name = 'weighted_loss'): Tensor {
  const l = toTensor(losses);
  const reduction = options.reduction ?? Reduction.SUM_BY_NONZERO_WEIGHTS;
  const valid: readonly string[] = Object.values(Reduction);
  if (!valid.includes(reduction)) throw new InvalidArgumentError(`Invalid Reduction Key ${String(reduction)}`);
  const out = l.graph.nameScope(name, () => {
    const w = toTensor(options.weights ?? 1, l.dtype, l.graph);
    const weighted = mul(l, w);
    if (reduction === Reduction.NONE) return weighted;
    const total = reduceSum(weighted);
    if (reduction === Reduction.SUM) return total;
    const broadcastWeights = mul(onesLike(l), w);
    if (reduction === Reduction.MEAN) return safeDiv(total, reduceSum(broadcastWeights));
    if (reduction === Reduction.SUM_OVER_BATCH_SIZE) return safeDiv(total, cast(size(l), l.dtype));
    return safeDiv(total, reduceSum(cast(notEqual(broadcastWeights, 0), l.dtype)));
  });
  const collection = options.lossCollection === undefined ? GraphKeys.LOSSES : options.lossCollection;
  if (collection !== null) out.graph.addToCollection(collection, out);
  return out;
}

/** num / den where den > 0, else 0 (TF's _safe_div). */
function safeDiv(num: Tensor, den: Tensor): Tensor {
  return where(greater(den, 0), div(num, where(greater(den, 0), den, 1)), 0);
}

function pair(labels: TensorLike, predictions: TensorLike): [Tensor, Tensor] {
  const g = graphOf([predictions, labels]);
  const p = toTensor(predictions, 'float32', g);
  return [toTensor(labels, p.dtype, g), p];
}

export function meanSquaredError(labels: TensorLike, predictions: TensorLike, options: LossOptions = {}, name = 'mean_squared_error'): Tensor {
  const [l, p] = pair(labels, predictions);
  return l.graph.nameScope(name, () => computeWeightedLoss(square(sub(p, l)), options));
}

export function absoluteDifference(labels: TensorLike, predictions: TensorLike, options: LossOptions = {}, name = 'absolute_difference'): Tensor {
  const [l, p] = pair(labels, predictions);
  return l.graph.nameScope(name, () => computeWeightedLoss(abs(sub(p, l)), options));
}

export function huberLoss(labels: TensorLike, predictions: TensorLike, options: LossOptions & { delta?: number } = {}, name = 'huber_loss'): Tensor {
  const [l, p] = pair(labels, predictions);
  const delta = options.delta ?? 1;
  return l.graph.nameScope(name, () => {
    const err = abs(sub(p, l));
    const quadratic = minimum(err, delta);
    const linear = sub(err, quadratic);
    return computeWeightedLoss(add(mul(0.5, square(quadratic)), mul(delta, linear)), options);
  });
}

export function softmaxCrossEntropy(onehotLabels: TensorLike, logits: TensorLike, options: LossOptions & { labelSmoothing?: number } = {}, name = 'softmax_cross_entropy_loss'): Tensor {
  const [l, z] = pair(onehotLabels, logits);
  return l.graph.nameScope(name, () => {
    let labels = l;
    const ls = options.labelSmoothing ?? 0;
    if (ls > 0) {
      const classes = z.shape?.[(z.rank ?? 1) - 1];
      if (classes === null || classes === undefined) throw new InvalidArgumentError('softmaxCrossEntropy: label smoothing needs a known number of classes');
      labels = add(mul(l, 1 - ls), ls / classes);
    }
    return computeWeightedLoss(softmaxCrossEntropyWithLogits({ labels, logits: z }), options);
  });
}

export function sparseSoftmaxCrossEntropy(labels: TensorLike, logits: TensorLike, options: LossOptions = {}, name = 'sparse_softmax_cross_entropy_loss'): Tensor {
  const z = toTensor(logits);
  return z.graph.nameScope(name, () => computeWeightedLoss(sparseSoftmaxCrossEntropyWithLogits({ labels, logits: z }), options));
}

export function sigmoidCrossEntropy(multiClassLabels: TensorLike, logits: TensorLike, options: LossOptions & { labelSmoothing?: number } = {}, name = 'sigmoid_cross_entropy_loss'): Tensor {
  const [l, z] = pair(multiClassLabels, logits);
  return l.graph.nameScope(name, () => {
    const ls = options.labelSmoothing ?? 0;
    const labels = ls > 0 ? add(mul(l, 1 - ls), 0.5 * ls) : l;
    return computeWeightedLoss(sigmoidCrossEntropyWithLogits({ labels, logits: z }), options);
  });
}

/** The losses added to the LOSSES collection (plus regularization losses), summed. */
export function getTotalLoss(addRegularizationLosses = true, graph = getDefaultGraph(), name = 'total_loss'): Tensor {
  const parts = graph.getCollection<Tensor>(GraphKeys.LOSSES);
  if (addRegularizationLosses) parts.push(...graph.getCollection<Tensor>(GraphKeys.REGULARIZATION_LOSSES));
  if (parts.length === 0) throw new InvalidArgumentError('No losses have been added to the graph');
  return graph.nameScope(name, () => parts.slice(1).reduce((a, b) => add(a, b), parts[0]));
}

export function getRegularizationLoss(graph = getDefaultGraph(), name = 'total_regularization_loss'): Tensor {
  const parts = graph.getCollection<Tensor>(GraphKeys.REGULARIZATION_LOSSES);
  return graph.asDefault(() => graph.nameScope(name, () => (parts.length === 0 ? toTensor(0, 'float32', graph) : parts.slice(1).reduce((a, b) => add(a, b), parts[0]))));
}

