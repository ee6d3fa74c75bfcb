import { mergeShapes, NDArray, Operation, Tensor, UnimplementedError } from '../../graph/ir/index.js';
import { reshape, shape } from '../array/reshape.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType, FLOATS } from '../dtype_sets.js';
import { add, mul, pow, sub } from '../elementwise/math_binary.js';
import { square } from '../elementwise/math_unary.js';
import { matMul } from '../matmul/matmul.js';
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
  grad: (op, [g]) => [g && makeOp(LRNGrad, [g, op.inputs[0], op.outputs[0]], lrnAttrsOf(op)).outputs[0]],
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
  grad: (op, [g]) => (g ? lrnGradGrad(op.inputs[0], op.inputs[1], op.inputs[2], g, lrnAttrsOf(op)) : [null, null, null]),
});

function lrnAttrsOf(op: Operation): LRNAttrs {
  const a = op.attrs;
  return { depth_radius: a.depth_radius as number, bias: a.bias as number, alpha: a.alpha as number, beta: a.beta as number };
}

/**
 * The gradient of dx = dy·P − 2αβ·x·B(dy·y/N) (P = N^-β, N = bias + α·B(x²), B the window sum
 * over depth, which is symmetric) with respect to dy, x and y taken as independent inputs.
 */
function lrnGradGrad(dy: Tensor, x: Tensor, y: Tensor, g: Tensor, a: LRNAttrs): Tensor[] {
  const c = x.shape?.[3] ?? dy.shape?.[3] ?? null;
  if (c === null) throw new UnimplementedError('The gradient of LRNGrad needs the depth of its input known when the graph is built');
  const band = new Float32Array(c * c);
  for (let i = 0; i < c; i++) for (let j = Math.max(0, i - a.depth_radius); j <= Math.min(c - 1, i + a.depth_radius); j++) band[i * c + j] = 1;
  const bandT = toTensor(NDArray.from(band, [c, c]), 'float32', x.graph, 'lrn_band');
  const xShape = shape(x);
  const B = (v: Tensor) => reshape(matMul(reshape(v, [-1, c]), bandT), xShape);
  const k = -2 * a.alpha * a.beta;
  const n = add(a.bias, mul(a.alpha, B(square(x))));
  const p = pow(n, -a.beta);
  const invN = pow(n, -1);
  const bxg = B(mul(x, g));
  const u = mul(mul(dy, y), invN);
  const gDy = add(mul(g, p), mul(k, mul(mul(y, invN), bxg)));
  const gY = mul(k, mul(mul(dy, invN), bxg));
  // dL/dN, then through N = bias + α·B(x²)
  const s = sub(mul(-a.beta, mul(mul(g, dy), mul(p, invN))), mul(k, mul(bxg, mul(mul(dy, y), square(invN)))));
  const gX = add(mul(k, mul(g, B(u))), mul(2 * a.alpha, mul(x, B(s))));
  return [gDy, gX, gY];
}

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
