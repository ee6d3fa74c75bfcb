import { formatShape, InvalidArgumentError, Tensor, isCompatible } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, FLOATS, INTEGERS, checkSameDType } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';

// Gradients: grads.ts; the builders that compose other families' ops: losses.ts.

/**
 * TF's SoftmaxCrossEntropyWithLogits: per-row loss -sum(labels * log_softmax(logits)) and the
 * backprop softmax(logits) - labels, computed together in one pass.
 */
export const SoftmaxCrossEntropyWithLogits = defineOp({
  type: 'SoftmaxCrossEntropyWithLogits',
  infer(inputs, _a, ctx) {
    const [f, l] = inputs;
    const dt = checkSameDType(['features', 'labels'], [f.dtype, l.dtype], ctx.opType);
    checkDType('features', dt, FLOATS);
    if (f.shape && f.shape.length !== 2) throw new InvalidArgumentError(`logits must be 2-dimensional, got shape ${formatShape(f.shape)}`);
    if (!isCompatible(f.shape, l.shape)) {
      throw new InvalidArgumentError(`logits and labels must be broadcastable: logits_size=${formatShape(f.shape)} labels_size=${formatShape(l.shape)}`);
    }
    const batch = f.shape?.[0] ?? l.shape?.[0] ?? null;
    return [
      { dtype: dt, shape: [batch] },
      { dtype: dt, shape: f.shape ?? l.shape },
    ];
  },
  lowering: { kind: 'routine', routine: 'SoftmaxCrossEntropyWithLogits' },
});

/**
 * TF's SparseSoftmaxCrossEntropyWithLogits: integer class labels. A label outside [0, classes)
 * is an error naming it, never a silent wrong loss.
 */
export const SparseSoftmaxCrossEntropyWithLogits = defineOp({
  type: 'SparseSoftmaxCrossEntropyWithLogits',
  infer(inputs) {
    const [f, l] = inputs;
    checkDType('features', f.dtype, FLOATS);
    checkDType('labels', l.dtype, INTEGERS);
    if (f.shape && f.shape.length !== 2) throw new InvalidArgumentError(`logits must be 2-D, but got shape ${formatShape(f.shape)}`);
    if (l.shape && l.shape.length !== 1) throw new InvalidArgumentError(`labels must be 1-D, but got shape ${formatShape(l.shape)}`);
    if (f.shape && l.shape && f.shape[0] !== null && l.shape[0] !== null && f.shape[0] !== l.shape[0]) {
      throw new InvalidArgumentError(`logits and labels must have the same first dimension, got logits shape ${formatShape(f.shape)} and labels shape ${formatShape(l.shape)}`);
    }
    const batch = f.shape?.[0] ?? l.shape?.[0] ?? null;
    return [
      { dtype: f.dtype, shape: [batch] },
      { dtype: f.dtype, shape: f.shape },
    ];
  },
  lowering: { kind: 'routine', routine: 'SparseSoftmaxCrossEntropyWithLogits' },
});

/** L2Loss: sum(x^2) / 2. */
export const L2Loss = defineOp({
  type: 'L2Loss',
  infer: ([x]) => {
    checkDType('t', x.dtype, FLOATS);
    return [{ dtype: x.dtype, shape: [] }];
  },
  lowering: { kind: 'routine', routine: 'L2Loss' },
});

export interface CrossEntropyArgs {
  labels: TensorLike;
  logits: TensorLike;
  /** The class axis (default last). */
  axis?: number;
  name?: string;
}

/** tf.nn.sparse_softmax_cross_entropy_with_logits: labels are class indices. */
export function sparseSoftmaxCrossEntropyWithLogits(args: CrossEntropyArgs): Tensor {
  const g = graphOf([args.logits, args.labels]);
  const logits = toTensor(args.logits, undefined, g);
  const labels = toTensor(args.labels, 'int32', g);
  return makeOp(SparseSoftmaxCrossEntropyWithLogits, [logits, labels], {}, { name: args.name }).outputs[0];
}

export function l2Loss(x: TensorLike, name?: string): Tensor {
  return makeOp(L2Loss, [toTensor(x)], {}, { name }).outputs[0];
}
