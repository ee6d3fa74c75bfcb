import { formatShape, InvalidArgumentError, Tensor, isCompatible } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, FLOATS, INTEGERS, checkSameDType } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';
import { expandDims, reshape } from '../array/reshape.js';
import { add, mul, sub } from '../elementwise/math_binary.js';
import { abs, exp, log1p, neg, relu } from '../elementwise/math_unary.js';
import { logSoftmax } from '../activation/softmax_axis.js';

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
  grad: (op, [gLoss]) => {
    if (!gLoss) return [null, null];
    const [logits] = op.inputs;
    const g = expandDims(gLoss, -1);
    // d loss / d labels = -log_softmax(logits)
    return [mul(g, op.outputs[1]), mul(g, neg(logSoftmax(logits)))];
  },
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
  grad: (op, [gLoss]) => (gLoss ? [mul(expandDims(gLoss, -1), op.outputs[1]), null] : [null, null]),
});

/** L2Loss: sum(x^2) / 2. */
export const L2Loss = defineOp({
  type: 'L2Loss',
  infer: ([x]) => {
    checkDType('t', x.dtype, FLOATS);
    return [{ dtype: x.dtype, shape: [] }];
  },
  lowering: { kind: 'routine', routine: 'L2Loss' },
  grad: (op, [g]) => [g && mul(op.inputs[0], g)],
});

export interface CrossEntropyArgs {
  labels: TensorLike;
  logits: TensorLike;
  /** The class axis (default last). */
  axis?: number;
  name?: string;
}

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

/** tf.nn.sparse_softmax_cross_entropy_with_logits: labels are class indices. */
export function sparseSoftmaxCrossEntropyWithLogits(args: CrossEntropyArgs): Tensor {
  const g = graphOf([args.logits, args.labels]);
  const logits = toTensor(args.logits, undefined, g);
  const labels = toTensor(args.labels, 'int32', g);
  return makeOp(SparseSoftmaxCrossEntropyWithLogits, [logits, labels], {}, { name: args.name }).outputs[0];
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

export function l2Loss(x: TensorLike, name?: string): Tensor {
  return makeOp(L2Loss, [toTensor(x)], {}, { name }).outputs[0];
}

