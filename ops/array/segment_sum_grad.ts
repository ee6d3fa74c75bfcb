import { Tensor } from '../../graph/ir/index.js';
import type { GradFn, GradTable } from '../op_def.js';
import { maximum, sub } from '../elementwise/math_binary.js';
import { greaterEqual, where } from '../elementwise/compare.js';
import { concatTensors } from './concat.js';
import { fill, zerosLike } from './fill_like.js';
import { gatherTensors } from './gather.js';
import { int32Const } from './operands.js';
import { rank, reshape, shape as shapeOp } from './reshape.js';
import type { ArrayOpType } from './index.js';

/**
 * d data = the gradient row of each id's segment (TF's _GatherDropNegatives): negative ids were
 * dropped by the sum, so their rows get zeros.
 */
const segmentSumGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null, null];
  const ids = op.inputs[1];
  const clipped = maximum(ids, 0);
  const gathered = gatherTensors(g, clipped);
  const keep = greaterEqual(ids, 0);
  const is = ids.shape;
  const gr = gathered.rank;
  let maskShape: Tensor;
  if (is !== null && is.every((d) => d !== null) && gr !== null) {
    maskShape = int32Const([...(is as number[]), ...new Array<number>(gr - is.length).fill(1)], g.graph);
  } else {
    const trailing = fill(reshape(sub(rank(gathered), rank(ids)), [1]), int32Const(1, g.graph));
    maskShape = concatTensors([shapeOp(ids), trailing], int32Const(0, g.graph));
  }
  return [where(reshape(keep, maskShape), gathered, zerosLike(gathered)), null, null];
};

export const SEGMENT_SUM_GRADS: GradTable<ArrayOpType> = { UnsortedSegmentSum: segmentSumGrad };
