import { NDArray } from '../../graph/ir/index.js';
import type { OnnxExportContext, OnnxTable, TypesOf } from '../op_def.js';
import { int, onnx } from '../onnx_mapping.js';
import type { LOSS_OPS } from './index.js';

/** loss = -sum(labels * log_softmax(logits), -1) and backprop = softmax(logits) - labels, for one-hot or soft labels. */
function crossEntropy(ctx: OnnxExportContext, logits: string, labels: string, loss: string, backprop: string): void {
  const logp = ctx.node('LogSoftmax', [logits], { axis: int(-1) })[0];
  const sum = ctx.node('ReduceSum', [ctx.node('Mul', [labels, logp])[0], ctx.int64s([-1])], { keepdims: int(0) })[0];
  ctx.node('Neg', [sum], {}, [loss]);
  ctx.node('Sub', [ctx.node('Softmax', [logits], { axis: int(-1) })[0], labels], {}, [backprop]);
}

export const LOSS_ONNX: OnnxTable<TypesOf<typeof LOSS_OPS>> = {
  SoftmaxCrossEntropyWithLogits: onnx((ctx, op) => {
    crossEntropy(ctx, op.inputs[0].name, op.inputs[1].name, op.outputs[0].name, op.outputs[1].name);
  }),
  SparseSoftmaxCrossEntropyWithLogits: onnx((ctx, op) => {
    const classes = op.inputs[0].shape?.[1];
    if (classes === null || classes === undefined) return ctx.refuse('the number of classes (dim 1 of the logits) must be known');
    const labels = ctx.cast(op.inputs[1].name, op.inputs[1].dtype, 'int64');
    const values = ctx.constant(NDArray.from([0, 1], [2], 'float32'));
    const oneHot = ctx.node('OneHot', [labels, ctx.int64s([classes]), values], { axis: int(-1) })[0];
    crossEntropy(ctx, op.inputs[0].name, oneHot, op.outputs[0].name, op.outputs[1].name);
  }),
  // sum(x^2) / 2 over every axis
  L2Loss: onnx((ctx, op) => {
    const x = op.inputs[0].name;
    const sum = ctx.node('ReduceSum', [ctx.node('Mul', [x, x])[0]], { keepdims: int(0) })[0];
    ctx.node('Mul', [sum, ctx.constant(NDArray.scalar(0.5, 'float32'))], {}, [op.outputs[0].name]);
  }),
};
