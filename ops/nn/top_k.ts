import { formatShape, InvalidArgumentError, NDArray, PartialShape, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS, NUMERIC } from '../dtype_sets.js';
import { scalarOf } from '../kernel_util.js';
import { defineOp, InputSpec } from '../op_def.js';

/**
 * TF's TopKV2 and InTopKV2 (nn_ops). TopKV2's gradient scatters into the input and so builds with
 * array ops: it lives in top_k_grad.ts. InTopKV2 is not differentiable (TF: NotDifferentiable).
 */

export type TopKAttrs = { sorted: boolean };

function checkScalar(what: string, s: InputSpec): void {
  if (s.shape !== null && s.shape.length !== 0) throw new InvalidArgumentError(`${what} must be 0-D, got shape ${formatShape(s.shape)}`);
}

/** TF's check of k against the last dim, shared by inference and the kernel. */
export function checkTopK(k: number, lastDim: number | null): void {
  if (k < 0) throw new InvalidArgumentError(`Need k >= 0, got ${k}`);
  if (lastDim !== null && lastDim < k) throw new InvalidArgumentError(`input must have at least k columns. Had ${lastDim}, needed ${k}`);
}

export const TopKV2 = defineOp<TopKAttrs>()({
  type: 'TopKV2',
  attrDefaults: { sorted: true },
  hostInputs: [1],
  infer([x, kIn]) {
    checkDType('input', x.dtype, NUMERIC);
    checkDType('k', kIn.dtype, INTEGERS);
    checkScalar('k', kIn);
    const k = kIn.value === null ? null : scalarOf(kIn.value, 'k');
    if (x.shape !== null && x.shape.length < 1) throw new InvalidArgumentError(`input must be >= 1-D, got shape ${formatShape(x.shape)}`);
    if (k !== null) checkTopK(k, x.shape === null ? null : x.shape[x.shape.length - 1]);
    const shape: PartialShape = x.shape === null ? null : [...x.shape.slice(0, -1), k];
    return [
      { dtype: x.dtype, shape },
      { dtype: 'int32', shape },
    ];
  },
  lowering: { kind: 'routine', routine: 'TopKV2' },
});

export type InTopKAttrs = Record<string, never>;

export const InTopKV2 = defineOp<InTopKAttrs>()({
  type: 'InTopKV2',
  hostInputs: [2],
  infer([p, t, k]) {
    checkDType('predictions', p.dtype, ['float32']);
    checkDType('targets', t.dtype, INTEGERS);
    checkDType('k', k.dtype, INTEGERS);
    if (t.dtype !== k.dtype) throw new InvalidArgumentError(`Input 'k' of 'InTopKV2' Op has type ${k.dtype} that does not match type ${t.dtype} of argument 'targets'.`);
    checkScalar('k', k);
    if (p.shape !== null && p.shape.length !== 2) throw new InvalidArgumentError(`predictions must be 2-dimensional, got shape ${formatShape(p.shape)}`);
    if (t.shape !== null && t.shape.length !== 1) throw new InvalidArgumentError(`targets must be 1-dimensional, got shape ${formatShape(t.shape)}`);
    const b0 = p.shape === null ? null : p.shape[0];
    const b1 = t.shape === null ? null : t.shape[0];
    if (b0 !== null && b1 !== null && b0 !== b1) throw new InvalidArgumentError(`First dimension of predictions ${b0} must match length of targets ${b1}`);
    return [{ dtype: 'bool', shape: [b0 ?? b1] }];
  },
  lowering: { kind: 'routine', routine: 'InTopKV2' },
  grad: 'none',
});

/** What tf.nn.top_k returns. */
export interface TopKResult {
  values: Tensor;
  indices: Tensor;
}

/**
 * tf.nn.top_k: the k largest entries of each last-axis row, and their int32 indices. Equal values
 * come out lower index first, as TF's kernel orders them. `sorted: false` allows any order (ours
 * is sorted anyway).
 */
export function topK(input: TensorLike, k: number | TensorLike = 1, sorted = true, name?: string): TopKResult {
  const g = graphOf([input, k]);
  const x = toTensor(input, undefined, g);
  const kt = typeof k === 'number' ? toTensor(NDArray.scalar(k, 'int32'), 'int32', g) : toTensor(k, 'int32', g);
  const op = makeOp(TopKV2, [x, kt], { sorted }, { name: name ?? 'TopKV2', graph: g });
  return { values: op.outputs[0], indices: op.outputs[1] };
}

/**
 * tf.nn.in_top_k (TF1 argument order: predictions, targets, k): whether each row's target class
 * is among its k largest predictions, ties counted in (every class scoring the same as the k-th is
 * in the top k). A row with a non-finite prediction, or a target out of range, gives false.
 */
export function inTopK(predictions: TensorLike, targets: TensorLike, k: number | TensorLike, name?: string): Tensor {
  const g = graphOf([predictions, targets, k]);
  const p = toTensor(predictions, 'float32', g);
  const t = toTensor(targets, 'int32', g);
  const kt = typeof k === 'number' ? toTensor(NDArray.scalar(k, t.dtype), t.dtype, g) : toTensor(k, t.dtype, g);
  return makeOp(InTopKV2, [p, t, kt], {}, { name: name ?? 'InTopKV2', graph: g }).outputs[0];
}
