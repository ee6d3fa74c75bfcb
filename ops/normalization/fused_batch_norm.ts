import { formatShape, InvalidArgumentError, NDArray, Tensor } from '../../graph/ir/index.js';
import { makeOp, TensorLike, toTensor, graphOf } from '../builder.js';
import { checkDType, FLOATS } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';

export type BNAttrs = { epsilon: number; exponential_avg_factor: number; data_format: string; is_training: boolean };

/** The [outer, channels, inner] view of a 4-D tensor in NHWC or NCHW. */
export function layout(shape: readonly number[], format: string): { outer: number; c: number; inner: number } {
  if (shape.length !== 4) throw new InvalidArgumentError(`input must be 4-dimensional ${formatShape(shape)}`);
  if (format === 'NHWC') return { outer: shape[0] * shape[1] * shape[2], c: shape[3], inner: 1 };
  if (format === 'NCHW') return { outer: shape[0], c: shape[1], inner: shape[2] * shape[3] };
  throw new InvalidArgumentError(`Invalid data format: ${format}`);
}

/**
 * TF's FusedBatchNormV3. Training: normalises with the batch's (biased) variance and reports the
 * unbiased one as batch_variance, as TF does for the moving averages; with
 * exponential_avg_factor < 1 the running statistics are blended in. Inference: uses the given
 * mean and variance. Reserve spaces hold the batch mean and 1/sqrt(var+eps) for the gradient.
 */
export const FusedBatchNormV3 = defineOp<BNAttrs>()({
  type: 'FusedBatchNormV3',
  attrDefaults: { epsilon: 0.0001, exponential_avg_factor: 1, data_format: 'NHWC', is_training: true },
  infer(inputs, attrs) {
    const [x, scale] = inputs;
    checkDType('x', x.dtype, FLOATS);
    if (x.shape && x.shape.length !== 4) throw new InvalidArgumentError(`input must be 4-dimensional ${formatShape(x.shape)}`);
    const cAxis = attrs.data_format === 'NCHW' ? 1 : 3;
    const c = x.shape?.[cAxis] ?? scale.shape?.[0] ?? null;
    for (const [i, name] of [[1, 'scale'], [2, 'offset'], [3, 'mean'], [4, 'variance']] as const) {
      const s = inputs[i].shape;
      if (s && (s.length !== 1 || (c !== null && s[0] !== null && s[0] !== c))) {
        if (!(name === 'mean' || name === 'variance') || !attrs.is_training || (s.length === 1 && s[0] !== 0)) {
          throw new InvalidArgumentError(`${name} must be 1-dimensional with ${c} elements, got ${formatShape(s)}`);
        }
      }
    }
    const v = { dtype: x.dtype, shape: [c] };
    return [{ dtype: x.dtype, shape: x.shape }, v, v, v, v, { dtype: x.dtype, shape: [0] }];
  },
  lowering: { kind: 'routine', routine: 'FusedBatchNormV3' },
  grad: (op, grads) => {
    const g = grads[0];
    if (!g) return [null, null, null, null, null];
    const [x, scale] = op.inputs;
    const bp = makeOp(FusedBatchNormGradV3, [g, x, scale, op.outputs[3], op.outputs[4], op.outputs[5]], {
      epsilon: op.attrs.epsilon,
      data_format: op.attrs.data_format,
      is_training: op.attrs.is_training,
    });
    return [bp.outputs[0], bp.outputs[1], bp.outputs[2], null, null];
  },
});

export type BNGradAttrs = { epsilon: number; data_format: string; is_training: boolean };

/**
 * Gradient of FusedBatchNormV3 (reserve_space_1 = mean used, reserve_space_2 = 1/sqrt(var+eps)).
 * Training: dx = scale*inv/m * (m*dy - sum(dy) - xhat*sum(dy*xhat)); inference: dx = dy*scale*inv.
 * Not differentiated again (TF's second-order batch-norm gradient is not provided).
 */
export const FusedBatchNormGradV3 = defineOp<BNGradAttrs>()({
  type: 'FusedBatchNormGradV3',
  attrDefaults: { epsilon: 0.0001, data_format: 'NHWC', is_training: true },
  infer(inputs) {
    const [dy, x, scale] = inputs;
    const c = scale.shape?.[0] ?? null;
    const v = { dtype: x.dtype, shape: [c] };
    return [{ dtype: x.dtype, shape: x.shape ?? dy.shape }, v, v, { dtype: x.dtype, shape: [0] }, { dtype: x.dtype, shape: [0] }];
  },
  lowering: { kind: 'routine', routine: 'FusedBatchNormGradV3' },
  grad: 'none',
});

export interface FusedBatchNormOptions {
  mean?: TensorLike;
  variance?: TensorLike;
  epsilon?: number;
  dataFormat?: 'NHWC' | 'NCHW';
  isTraining?: boolean;
  exponentialAvgFactor?: number;
  name?: string;
}

/** tf.nn.fused_batch_norm: returns [y, batchMean, batchVariance]. */
export function fusedBatchNorm(x: TensorLike, scale: TensorLike, offset: TensorLike, options: FusedBatchNormOptions = {}): [Tensor, Tensor, Tensor] {
  const g = graphOf([x, scale, offset]);
  const xt = toTensor(x, undefined, g);
  const training = options.isTraining ?? true;
  if (!training && (options.mean === undefined || options.variance === undefined)) {
    throw new InvalidArgumentError('fusedBatchNorm: both mean and variance must be given for inference (isTraining: false)');
  }
  const empty = () => toTensor(NDArray.zeros('float32', [0]), 'float32', g);
  const op = makeOp(
    FusedBatchNormV3,
    [xt, toTensor(scale, 'float32', g), toTensor(offset, 'float32', g), options.mean !== undefined ? toTensor(options.mean, 'float32', g) : empty(), options.variance !== undefined ? toTensor(options.variance, 'float32', g) : empty()],
    { epsilon: options.epsilon ?? 0.001, data_format: options.dataFormat ?? 'NHWC', is_training: training, exponential_avg_factor: options.exponentialAvgFactor ?? 1 },
    { name: options.name },
  );
  return [op.outputs[0], op.outputs[1], op.outputs[2]];
}
