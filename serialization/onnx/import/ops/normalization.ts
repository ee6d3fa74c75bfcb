import type { Tensor } from '../../../../graph/ir/index.js';
import type { NodeContext, OpTable } from '../context.js';
import { add, always, int32s, mul, normAxis, rankOf, reshape, scalar, sub, transpose } from './util.js';

/**
 * Normalizations composed from elementwise ops and reductions, so every parameter (scale,
 * bias, and with `trainable` the running statistics' consumers) gets gradients and the
 * compiler's batch-norm folding and fusion apply.
 */

/** A per-channel vector [C] shaped to broadcast against an NC... input of `rank`. */
function perChannel(ctx: NodeContext, v: Tensor, rank: number): Tensor {
  return reshape(ctx, v, [-1, ...Array(rank - 2).fill(1)]);
}

function rsqrtPlus(ctx: NodeContext, v: Tensor, eps: number): Tensor {
  return ctx.op('Rsqrt', [add(ctx, v, scalar(ctx, eps, v.dtype))])[0];
}

function batchNorm(ctx: NodeContext): Tensor[] {
  if (ctx.opset < 9 && ctx.attrs.int('spatial', 1) !== 1) ctx.refuse('spatial=0 (per-activation statistics) is not mapped');
  if (ctx.attrs.int('training_mode', 0) !== 0) ctx.refuse('training_mode=1 is not mapped (import the inference graph; tensorgraph trains it with its own optimizers)');
  for (let i = 1; i < ctx.outputCount; i++) if (ctx.wantsOutput(i)) ctx.refuse(`output ${i} (a training statistic) is not mapped`);
  const x = ctx.input(0);
  const rank = rankOf(ctx, x);
  if (rank < 2) ctx.invalid(`the input must have rank 2 or more, got ${rank}`);
  const scale = ctx.input(1);
  const bias = ctx.input(2);
  const mean = ctx.input(3, { trainable: false });
  const variance = ctx.input(4, { trainable: false });
  const inv = mul(ctx, scale, rsqrtPlus(ctx, variance, ctx.attrs.float('epsilon', 1e-5)));
  const shift = sub(ctx, bias, mul(ctx, mean, inv));
  if (rank === 2) return [add(ctx, mul(ctx, x, inv), shift)];
  return [add(ctx, mul(ctx, x, perChannel(ctx, inv, rank)), perChannel(ctx, shift, rank))];
}

/** Mean and biased variance of `x` over `axes`, kept as size-1 dims. */
function moments(ctx: NodeContext, x: Tensor, axes: number[]): [Tensor, Tensor, Tensor] {
  const ax = int32s(ctx, axes);
  const mean = ctx.op('Mean', [x, ax], { keep_dims: true })[0];
  const centered = sub(ctx, x, mean);
  const variance = ctx.op('Mean', [ctx.op('Square', [centered])[0], ax], { keep_dims: true })[0];
  return [mean, centered, variance];
}

function instanceNorm(ctx: NodeContext): Tensor[] {
  const x = ctx.input(0);
  const rank = rankOf(ctx, x);
  if (rank < 3) ctx.invalid(`the input must have rank 3 or more, got ${rank}`);
  const [, centered, variance] = moments(ctx, x, [...Array(rank - 2).keys()].map((i) => i + 2));
  const normed = mul(ctx, centered, rsqrtPlus(ctx, variance, ctx.attrs.float('epsilon', 1e-5)));
  return [add(ctx, mul(ctx, normed, perChannel(ctx, ctx.input(1), rank)), perChannel(ctx, ctx.input(2), rank))];
}

function layerNorm(ctx: NodeContext): Tensor[] {
  const x = ctx.input(0);
  const rank = rankOf(ctx, x);
  const axis = normAxis(ctx, ctx.attrs.int('axis', -1), rank);
  const [mean, centered, variance] = moments(ctx, x, [...Array(rank - axis).keys()].map((i) => i + axis));
  const invStd = rsqrtPlus(ctx, variance, ctx.attrs.float('epsilon', 1e-5));
  let y = mul(ctx, mul(ctx, centered, invStd), ctx.input(1));
  if (ctx.has(2)) y = add(ctx, y, ctx.input(2));
  return [y, mean, invStd];
}

/** ONNX's LRN sums squares over `size` channels around each one; TF's, over 2r+1 in NHWC. */
function lrn(ctx: NodeContext): Tensor[] {
  const x = ctx.input(0);
  if (rankOf(ctx, x) !== 4) ctx.refuse('only 4-D (NCHW) inputs are mapped');
  const size = ctx.attrs.int('size');
  if (size === undefined || size < 1) return ctx.invalid("attribute 'size' must be a positive int");
  if (size % 2 === 0) ctx.refuse(`an even size (${size}) gives an asymmetric window that TF's LRN cannot express`);
  const attrs = {
    depth_radius: (size - 1) / 2,
    bias: ctx.attrs.float('bias', 1),
    alpha: ctx.attrs.float('alpha', 1e-4) / size,
    beta: ctx.attrs.float('beta', 0.75),
  };
  const y = ctx.op('LRN', [transpose(ctx, x, [0, 2, 3, 1])], attrs)[0];
  return [transpose(ctx, y, [0, 3, 1, 2])];
}

export const NORMALIZATION_IMPORTS: OpTable = {
  BatchNormalization: always(batchNorm),
  InstanceNormalization: always(instanceNorm),
  LayerNormalization: { 17: layerNorm },
  LRN: always(lrn),
};
