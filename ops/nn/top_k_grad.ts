import type { GradFn, GradTable } from '../op_def.js';
import type { NnTopKOpType } from './index.js';
import { add, floorDiv, maximum, mul, sub } from '../elementwise/math_binary.js';
import { gatherTensors } from '../array/gather.js';
import { asInt32, int32Const, shapeTensor } from '../array/operands.js';
import { stack } from '../array/pack.js';
import { range } from '../array/range.js';
import { expandDims, rank, reshape, size } from '../array/reshape.js';
import { unsortedSegmentSum } from '../array/segment_sum.js';

/**
 * d input of TopKV2 (TF's _TopKGrad): each row's value gradients go back to the positions the
 * indices name. Rows are flattened to [outer, k], each row's indices offset by row * lastDim, and
 * the gradients summed into a flat input-sized vector (indices within a row are distinct, so the
 * sum is a scatter). The max(lastDim, 1) keeps an empty input from dividing by zero: outer then
 * has no rows to offset. The indices output and k have no gradient.
 */
const topKGrad: GradFn = (op, [gValues]) => {
  if (!gValues) return [null, null];
  const [x, k] = op.inputs;
  const indices = op.outputs[1];
  const g = x.graph;
  const inShape = shapeTensor(x);
  const lastAxis = x.rank !== null ? int32Const(x.rank - 1, g) : sub(rank(x), 1);
  const last = gatherTensors(inShape, lastAxis);
  const n = size(x);
  const outer = floorDiv(n, maximum(last, 1));
  const rows = stack([outer, asInt32(k)]);
  const offsets = expandDims(mul(range(0, outer), last), 1);
  const flatIndices = add(reshape(indices, rows), offsets);
  const summed = unsortedSegmentSum(reshape(gValues, rows), flatIndices, n);
  return [reshape(summed, inShape), null];
};

export const TOP_K_GRADS: GradTable<NnTopKOpType> = { TopKV2: topKGrad };
