import { staticValue } from '../builder.js';
import { intVector } from '../kernel_util.js';
import type { GradFn, GradTable } from '../op_def.js';
import { reduceSum } from '../reduce/reductions.js';
import type { ArrayOpType } from './index.js';
import { asInt32, staticShape } from './operands.js';
import { stack } from './pack.js';
import { range } from './range.js';
import { reshape, shape as shapeOp, size } from './reshape.js';
import { transpose } from './transpose.js';

/** d tile: view the gradient as [m0, d0, m1, d1, ...] and sum over the multiple axes. */
const tileGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null];
  const [x, multiples] = op.inputs;
  const xs = staticShape(x);
  const mv = staticValue(multiples);
  if (xs && mv) {
    if (xs.length === 0) return [g, null];
    const m = intVector(mv, 'multiples');
    const interleaved = xs.flatMap((d, i) => [m[i], d]);
    return [reduceSum(reshape(g, interleaved), xs.map((_d, i) => 2 * i)), null];
  }
  const splitShape = reshape(transpose(stack([asInt32(multiples), shapeOp(x)]), [1, 0]), [-1]);
  const summed = reduceSum(reshape(g, splitShape), range(0, size(splitShape), 2));
  // the static shape is known even though the reduction axes are not
  summed.setShape(x.shape);
  return [summed, null];
};

export const TILE_GRADS: GradTable<ArrayOpType> = { Tile: tileGrad };
