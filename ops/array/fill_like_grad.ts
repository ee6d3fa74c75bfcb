import type { GradTable } from '../op_def.js';
import { reduceSum } from '../reduce/reductions.js';

/** Fill's value gets the sum of the gradient; its dims none. */
export const FILL_GRADS: GradTable = { Fill: (_op, [g]) => [null, g && reduceSum(g)] };
