import type { OpDef, TypesOf } from '../op_def.js';
import { L2Loss, SoftmaxCrossEntropyWithLogits, SparseSoftmaxCrossEntropyWithLogits } from './cross_entropy.js';

export const LOSS_OPS = [SoftmaxCrossEntropyWithLogits, SparseSoftmaxCrossEntropyWithLogits, L2Loss] as const satisfies readonly OpDef[];
export type LossOpType = TypesOf<typeof LOSS_OPS>;
