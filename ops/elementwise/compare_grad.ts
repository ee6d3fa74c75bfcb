import type { GradTable } from '../op_def.js';
import { sumToShapeOf } from './broadcast_grad.js';
import { zerosLike } from '../array/fill_like.js';
import { where } from './compare.js';
import type { CompareOpType } from './compare.js';

/** SelectV2's gradient: each branch gets g where it was chosen, summed back to its shape. */
export const COMPARE_GRADS: GradTable<CompareOpType> = {
  SelectV2: (op, [g]) => {
    if (!g) return [null, null, null];
    const [c, x, y] = op.inputs;
    const zeros = zerosLike(g);
    return [null, sumToShapeOf(where(c, g, zeros), x), sumToShapeOf(where(c, zeros, g), y)];
  },
};
