import { staticValue } from '../builder.js';
import type { GradFn, GradTable } from '../op_def.js';
import { add, floorMod } from '../elementwise/math_binary.js';
import { concatTensors } from './concat.js';
import { asInt32, checkedAxis, int32Const, shapeTensor } from './operands.js';
import { range } from './range.js';
import { rank, shape as shapeOp } from './reshape.js';
import { unsortedSegmentSum } from './segment_sum.js';
import { transpose } from './transpose.js';
import { axisError, gatherTensors } from './gather.js';
import type { ArrayOpType } from './index.js';

function seq(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_v, i) => from + i);
}

/**
 * d params: the gradient rows scatter-added back to the rows they were gathered from. Along axis a
 * the gradient's indices dims are moved to the front, summed by index, and the result moved back.
 */
const gatherGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null, null];
  const [params, indices, axisT] = op.inputs;
  const av = staticValue(axisT);
  const pr = params.rank;
  const ir = indices.rank;
  if (av !== null && pr !== null && ir !== null) {
    const a = checkedAxis(av.data[0], pr, axisError(av.data[0], pr));
    const n = params.shape![a];
    const numSegments = n !== null ? int32Const(n, params.graph) : gatherTensors(shapeTensor(params), int32Const(a, params.graph));
    if (a === 0) return [unsortedSegmentSum(g, indices, numSegments), null, null];
    const outRank = pr + ir - 1;
    const inPerm = [...seq(a, a + ir), ...seq(0, a), ...seq(a + ir, outRank)];
    const summed = unsortedSegmentSum(transpose(g, inPerm), indices, numSegments);
    return [transpose(summed, [...seq(1, a + 1), 0, ...seq(a + 1, pr)]), null, null];
  }
  // ranks or axis known only at run time: the same permutations built from Range and ConcatV2
  const rp = rank(params);
  const a = floorMod(asInt32(axisT), rp);
  const aPlusR = add(a, rank(indices));
  const zero = int32Const([0], params.graph);
  const inPerm = concatTensors([range(a, aPlusR), range(0, a), range(aPlusR, rank(g))], int32Const(0, params.graph));
  const numSegments = gatherTensors(shapeOp(params), a);
  const summed = unsortedSegmentSum(transpose(g, inPerm), indices, numSegments);
  const outPerm = concatTensors([range(1, add(a, 1)), zero, range(add(a, 1), rp)], int32Const(0, params.graph));
  return [transpose(summed, outPerm), null, null];
};

export const GATHER_GRADS: GradTable<ArrayOpType> = { GatherV2: gatherGrad };
