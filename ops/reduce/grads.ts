import type { GradTable } from '../op_def.js';
import { CUMULATIVE_GRADS } from './cumulative_grad.js';
import { REDUCTION_GRADS } from './reduction_grad.js';
import type { ReduceOpType } from './index.js';

/** The reduce family's gradients, kept apart from their definitions (see `attachGrads`). */
export const REDUCE_GRADS: GradTable<ReduceOpType> = { ...REDUCTION_GRADS, ...CUMULATIVE_GRADS };
