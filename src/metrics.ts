/**
 * tf.metrics: streaming metrics over many `run`s. Each returns `[value, updateOp]`: running
 * `updateOp` folds one batch into local variables (`<name>/total`, `<name>/count`, in
 * LOCAL_VARIABLES, so `localVariablesInitializer()` resets them and Savers skip them), and
 * `value` reads the result so far without changing it.
 */
import { getDefaultGraph, GraphKeys, InvalidArgumentError, Tensor } from '../graph/ir/index.js';
import { TensorLike, toTensor } from '../ops/builder.js';
import { cast } from '../ops/array/cast.js';
import { size } from '../ops/array/reshape.js';
import { equal } from '../ops/elementwise/compare.js';
import { add, div, maximum, mul, squaredDifference, sub } from '../ops/elementwise/math_binary.js';
import { abs } from '../ops/elementwise/math_unary.js';
import { reduceSum } from '../ops/reduce/reductions.js';
import { NDArray } from '../graph/ir/index.js';
import { Variable } from '../ops/state/variable.js';
import { variableScope } from './variable_scope.js';

function metricVariable(name: string): Variable {
  return new Variable(NDArray.scalar(0, 'float32'), {
    name,
    trainable: false,
    dtype: 'float32',
    collections: [GraphKeys.LOCAL_VARIABLES, 'metric_variables'],
  });
}

/** total / count, 0 while count is 0 (TF's div_no_nan; count only grows in whole batches). */
function ratio(total: Tensor, count: Tensor, name: string): Tensor {
  return div(total, maximum(count, 1), name);
}

/** tf.metrics.mean(values): the running mean of every element fed to the update op. */
export function mean(values: TensorLike, options: { name?: string } = {}): [Tensor, Tensor] {
  const v = cast(toTensor(values), 'float32');
  return variableScope(options.name ?? 'mean', () => {
    const total = metricVariable('total');
    const count = metricVariable('count');
    const updateTotal = total.assignAdd(reduceSum(v));
    const updateCount = count.assignAdd(cast(size(v), 'float32'));
    return [ratio(total.value(), count.value(), 'value'), ratio(updateTotal, updateCount, 'update_op')];
  });
}

/** What the label-vs-prediction metrics take, as TF1's keyword arguments. */
export interface MetricArgs {
  labels: TensorLike;
  predictions: TensorLike;
  name?: string;
}

/** labels and predictions as tensors of the same rank, or the metric's error naming both. */
function pair(metric: string, args: MetricArgs): { labels: Tensor; predictions: Tensor } {
  const labels = toTensor(args.labels);
  const predictions = toTensor(args.predictions);
  if (labels.shape && predictions.shape && labels.shape.length !== predictions.shape.length) {
    throw new InvalidArgumentError(`tf.metrics.${metric}: labels '${labels.name}' and predictions '${predictions.name}' must have the same rank, got ${labels.shape.length} and ${predictions.shape.length}`);
  }
  return { labels, predictions };
}

/** tf.metrics.accuracy({labels, predictions}): how often predictions equal labels, over every batch so far. */
export function accuracy(args: MetricArgs): [Tensor, Tensor] {
  return getDefaultGraph().asDefault(() => {
    const { labels, predictions } = pair('accuracy', args);
    return mean(equal(cast(predictions, labels.dtype), labels), { name: args.name ?? 'accuracy' });
  });
}

/** tf.metrics.mean_squared_error: the running mean of (predictions - labels)^2. */
export function meanSquaredError(args: MetricArgs): [Tensor, Tensor] {
  return getDefaultGraph().asDefault(() => {
    const { labels, predictions } = pair('mean_squared_error', args);
    return mean(squaredDifference(cast(predictions, 'float32'), cast(labels, 'float32')), { name: args.name ?? 'mean_squared_error' });
  });
}

/** tf.metrics.mean_absolute_error: the running mean of |predictions - labels|. */
export function meanAbsoluteError(args: MetricArgs): [Tensor, Tensor] {
  return getDefaultGraph().asDefault(() => {
    const { labels, predictions } = pair('mean_absolute_error', args);
    return mean(abs(sub(cast(predictions, 'float32'), cast(labels, 'float32'))), { name: args.name ?? 'mean_absolute_error' });
  });
}

/**
 * tf.metrics.precision / recall: labels and predictions read as booleans (nonzero is true, as
 * TF casts them); counts of true positives and of false positives (precision) or false negatives
 * (recall) kept in local variables; the value is tp / (tp + other), 0 while that is 0 (TF's
 * _safe_div).
 */
function ratioOfPositives(metric: 'precision' | 'recall', args: MetricArgs): [Tensor, Tensor] {
  return getDefaultGraph().asDefault(() => {
    const { labels, predictions } = pair(metric, args);
    const l = cast(cast(labels, 'bool'), 'float32');
    const p = cast(cast(predictions, 'bool'), 'float32');
    return variableScope(args.name ?? metric, () => {
      const tp = metricVariable('true_positives');
      const other = metricVariable(metric === 'precision' ? 'false_positives' : 'false_negatives');
      const missed = metric === 'precision' ? mul(sub(1, l), p) : mul(l, sub(1, p));
      const updateTp = tp.assignAdd(reduceSum(mul(l, p)));
      const updateOther = other.assignAdd(reduceSum(missed));
      const value = ratio(tp.value(), add(tp.value(), other.value()), 'value');
      return [value, ratio(updateTp, add(updateTp, updateOther), 'update_op')];
    });
  });
}

export function precision(args: MetricArgs): [Tensor, Tensor] {
  return ratioOfPositives('precision', args);
}

export function recall(args: MetricArgs): [Tensor, Tensor] {
  return ratioOfPositives('recall', args);
}
