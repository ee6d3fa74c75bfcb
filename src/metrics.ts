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
import { div, maximum } from '../ops/elementwise/math_binary.js';
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

/** tf.metrics.accuracy({labels, predictions}): how often predictions equal labels, over every batch so far. */
export function accuracy(args: { labels: TensorLike; predictions: TensorLike; name?: string }): [Tensor, Tensor] {
  const graph = getDefaultGraph();
  return graph.asDefault(() => {
    const labels = toTensor(args.labels);
    const predictions = toTensor(args.predictions);
    if (labels.shape && predictions.shape && labels.shape.length !== predictions.shape.length) {
      throw new InvalidArgumentError(`tf.metrics.accuracy: labels '${labels.name}' and predictions '${predictions.name}' must have the same rank, got ${labels.shape.length} and ${predictions.shape.length}`);
    }
    const correct = equal(cast(predictions, labels.dtype), labels);
    return mean(correct, { name: args.name ?? 'accuracy' });
  });
}
