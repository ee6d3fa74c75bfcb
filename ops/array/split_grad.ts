import { Tensor } from '../../graph/ir/index.js';
import type { GradFn, GradTable } from '../op_def.js';
import { concatTensors } from './concat.js';
import { zerosLike } from './fill_like.js';
import type { ArrayOpType } from './index.js';

/** d split = the output gradients joined again (zeros for outputs that got none). */
function joinGrads(op: { outputs: readonly Tensor[] }, grads: readonly (Tensor | null)[], axis: Tensor): Tensor {
  const parts = grads.map((g, i) => g ?? zerosLike(op.outputs[i]));
  return parts.length === 1 ? parts[0] : concatTensors(parts, axis);
}

const splitGrad: GradFn = (op, grads) => [null, joinGrads(op, grads, op.inputs[0])];

const splitVGrad: GradFn = (op, grads) => [joinGrads(op, grads, op.inputs[2]), null, null];

export const SPLIT_GRADS: GradTable<ArrayOpType> = { Split: splitGrad, SplitV: splitVGrad };
