import type { GradTable } from '../op_def.js';
import { sumToShapeOf } from '../elementwise/broadcast_grad.js';
import type { ArrayOpType } from './index.js';

/** BroadcastTo's gradient sums back over the broadcast axes. */
export const BROADCAST_TO_GRADS: GradTable<ArrayOpType> = { BroadcastTo: (op, [g]) => [g && sumToShapeOf(g, op.inputs[0]), null] };
