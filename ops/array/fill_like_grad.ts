import type { GradTable } from '../op_def.js';
import { reduceSum } from '../reduce/reductions.js';
import type { ArrayOpType } from './index.js';

/** Fill's value gets the sum of the gradient; its dims none. */
export const FILL_GRADS: GradTable<ArrayOpType> = { Fill: (_op, [g]) => [null, g && reduceSum(g)] };
