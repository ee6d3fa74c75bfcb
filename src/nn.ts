/** tg.nn: activations, softmax, losses on logits, normalization. */
export { relu, sigmoid, tanh } from '../ops/elementwise/math_unary.js';
export { relu6, leakyRelu, elu, selu, softplus, softsign, erf } from '../ops/activation/activations.js';
export { gelu } from '../ops/activation/gelu.js';
export { softmax, logSoftmax } from '../ops/activation/softmax_axis.js';
export { sparseSoftmaxCrossEntropyWithLogits, l2Loss } from '../ops/loss/cross_entropy.js';
export { softmaxCrossEntropyWithLogits, sigmoidCrossEntropyWithLogits } from '../ops/loss/losses.js';
export type { CrossEntropyArgs } from '../ops/loss/cross_entropy.js';
export { moments, batchNormalization } from '../ops/normalization/moments.js';
export { fusedBatchNorm } from '../ops/normalization/fused_batch_norm.js';
export type { FusedBatchNormOptions } from '../ops/normalization/fused_batch_norm.js';
export { dropout } from './dropout.js';
export type { DropoutOptions } from './dropout.js';
export * from './nn_conv.js';
export { embeddingLookup, conv1d } from './nn_composed.js';
export { topK, inTopK } from '../ops/nn/top_k.js';
export type { TopKResult } from '../ops/nn/top_k.js';
export type { Conv1DOptions } from './nn_composed.js';
