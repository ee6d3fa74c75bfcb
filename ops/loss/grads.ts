import { logSoftmax } from '../activation/softmax_axis.js';
import { expandDims } from '../array/reshape.js';
import { mul } from '../elementwise/math_binary.js';
import { neg } from '../elementwise/math_unary.js';
import type { GradTable } from '../op_def.js';
import type { LossOpType } from './index.js';

/** Gradients of the losses: the fused backprop output where TF uses it, d/d labels as graph ops. */
export const LOSS_GRADS: GradTable<LossOpType> = {
  SoftmaxCrossEntropyWithLogits: (op, [gLoss]) => {
    if (!gLoss) return [null, null];
    const [logits] = op.inputs;
    const g = expandDims(gLoss, -1);
    // d loss / d labels = -log_softmax(logits)
    return [mul(g, op.outputs[1]), mul(g, neg(logSoftmax(logits)))];
  },
  SparseSoftmaxCrossEntropyWithLogits: (op, [gLoss]) => (gLoss ? [mul(expandDims(gLoss, -1), op.outputs[1]), null] : [null, null]),
  L2Loss: (op, [g]) => [g && mul(op.inputs[0], g)],
};
