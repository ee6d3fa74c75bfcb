import { formatShape, InvalidArgumentError, isCompatible, Tensor } from '../../graph/ir/index.js';
import { reshape } from '../array/reshape.js';
import { graphOf, makeOp, toTensor } from '../builder.js';
import { add, mul, sub } from '../elementwise/math_binary.js';
import { abs, exp, log1p, neg, relu } from '../elementwise/math_unary.js';
import { CrossEntropyArgs, SoftmaxCrossEntropyWithLogits } from './cross_entropy.js';

/** tf.nn.softmax_cross_entropy_with_logits (v2: gradients flow into labels too). */
export function softmaxCrossEntropyWithLogits(args: CrossEntropyArgs): Tensor {
  const g = graphOf([args.logits, args.labels]);
  const logits = toTensor(args.logits, undefined, g);
  const labels = toTensor(args.labels, logits.dtype, g);
  const rank = logits.rank;
  if (rank === 2 && (args.axis === undefined || args.axis === -1 || args.axis === 1)) {
    return makeOp(SoftmaxCrossEntropyWithLogits, [logits, labels], {}, { name: args.name }).outputs[0];
  }
  // other ranks/axes: flatten to [rows, classes], as TF does
  return g.nameScope(args.name ?? 'softmax_cross_entropy_with_logits', () => {
    if (args.axis !== undefined && args.axis !== -1 && args.axis !== (rank ?? 0) - 1) {
      throw new InvalidArgumentError('softmaxCrossEntropyWithLogits: only the last axis is supported for rank != 2');
    }
    const prefix = (logits.shape ?? []).slice(0, -1).map((d) => d ?? -1);
    if (logits.shape === null || prefix.filter((d) => d === -1).length > 1) {
      throw new InvalidArgumentError('softmaxCrossEntropyWithLogits: for rank != 2 the logits need a known rank and at most one unknown dim');
    }
    const classes = logits.shape?.[(rank ?? 1) - 1] ?? -1;
    const flatLogits = reshape(logits, [-1, classes]);
    const flatLabels = reshape(labels, [-1, classes]);
    const loss = makeOp(SoftmaxCrossEntropyWithLogits, [flatLogits, flatLabels], {}).outputs[0];
    return reshape(loss, prefix);
  });
}

/** max(x, 0) - x * z + log(1 + exp(-|x|)): stable for any logits. */
export function sigmoidCrossEntropyWithLogits(args: CrossEntropyArgs): Tensor {
  const g = graphOf([args.logits, args.labels]);
  const x = toTensor(args.logits, undefined, g);
  const z = toTensor(args.labels, x.dtype, g);
  if (!isCompatible(x.shape, z.shape)) {
    throw new InvalidArgumentError(`logits and labels must have the same shape (${formatShape(x.shape)} vs ${formatShape(z.shape)})`);
  }
  return g.nameScope(args.name ?? 'logistic_loss', () => add(sub(relu(x), mul(x, z)), log1p(exp(neg(abs(x))))));
}
