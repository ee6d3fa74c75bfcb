import { mergeShapes, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType, FLOATS } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';
import { checkRank4 } from './conv_params.js';

/**
 * Local response normalisation over the last (depth) dim of a rank-4 input:
 *   N_d = bias + alpha * sum_{|k-d| <= r} x_k^2,   y_d = x_d * N_d^-beta
 * LRNGrad is its gradient as an op; LRNGrad's own gradient is written in graph ops, with the
 * window sum over depth as a product with a banded 0/1 matrix.
 */

export type LRNAttrs = { depth_radius: number; bias: number; alpha: number; beta: number };
const DEFAULTS: LRNAttrs = { depth_radius: 5, bias: 1, alpha: 1, beta: 0.5 };

export const LRN = defineOp<LRNAttrs>()({
  type: 'LRN',
  attrDefaults: DEFAULTS,
  infer([x]) {
    checkDType('input', x.dtype, FLOATS);
    checkRank4(x.shape);
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  lowering: { kind: 'routine', routine: 'LRN' },
});

export const LRNGrad = defineOp<LRNAttrs>()({
  type: 'LRNGrad',
  attrDefaults: DEFAULTS,
  infer([dy, x, y], _attrs, ctx) {
    const dtype = checkSameDType(['input_grads', 'input_image', 'output_image'], [dy.dtype, x.dtype, y.dtype], ctx.opType);
    checkDType('input_grads', dtype, FLOATS);
    for (const s of [dy, x, y]) checkRank4(s.shape);
    return [{ dtype, shape: mergeShapes(mergeShapes(dy.shape, x.shape, ctx.opType), y.shape, ctx.opType) }];
  },
  lowering: { kind: 'routine', routine: 'LRNGrad' },
});

export interface LRNOptions {
  depthRadius?: number;
  bias?: number;
  alpha?: number;
  beta?: number;
}

/** tf.nn.local_response_normalization (TF's defaults: radius 5, bias 1, alpha 1, beta 0.5). */
export function localResponseNormalization(x: TensorLike, options: LRNOptions = {}, name?: string): Tensor {
  const attrs: LRNAttrs = {
    depth_radius: options.depthRadius ?? DEFAULTS.depth_radius,
    bias: options.bias ?? DEFAULTS.bias,
    alpha: options.alpha ?? DEFAULTS.alpha,
    beta: options.beta ?? DEFAULTS.beta,
  };
  return makeOp(LRN, [toTensor(x, undefined, graphOf([x]))], attrs, { name }).outputs[0];
}
