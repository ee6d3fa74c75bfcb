import { DType, formatShape, InvalidArgumentError, PartialShape, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS, NUMERIC } from '../dtype_sets.js';
import { scalarOf } from '../kernel_util.js';
import { defineOp, InputSpec } from '../op_def.js';
import { intOperand, IntOperand } from './operands.js';

export type SegmentAttrs = { T?: DType; Tindices?: DType; Tnumsegments?: DType };

/** [num_segments] + data.shape[rank(segment_ids):], after checking data's shape starts with the ids'. */
function segmentShape(data: InputSpec, ids: InputSpec, num: InputSpec): PartialShape {
  if (num.shape !== null && num.shape.length !== 0) throw new InvalidArgumentError(`num_segments should be a scalar, not shape ${formatShape(num.shape)}`);
  const n = num.value ? scalarOf(num.value, 'num_segments') : null;
  if (n !== null && n < 0) throw new InvalidArgumentError(`Input num_segments == ${n} must not be negative.`);
  const ds = data.shape;
  const is = ids.shape;
  if (ds === null || is === null) return null;
  const prefixOk = is.length <= ds.length && is.every((d, i) => d === null || ds[i] === null || d === ds[i]);
  if (!prefixOk) throw new InvalidArgumentError(`data.shape = ${formatShape(ds)} does not start with segment_ids.shape = ${formatShape(is)}`);
  return [n, ...ds.slice(is.length)];
}

export const UnsortedSegmentSum = defineOp<SegmentAttrs>()({
  type: 'UnsortedSegmentSum',
  hostInputs: [2],
  infer(inputs) {
    const [data, ids, num] = inputs;
    checkDType('data', data.dtype, NUMERIC);
    checkDType('segment_ids', ids.dtype, INTEGERS);
    checkDType('num_segments', num.dtype, INTEGERS);
    return [{ dtype: data.dtype, shape: segmentShape(data, ids, num) }];
  },
  lowering: { kind: 'routine', routine: 'UnsortedSegmentSum' },
});

/** tf.math.unsorted_segment_sum: out[s] = sum of data rows whose segment id is s (negative ids are dropped). */
export function unsortedSegmentSum(data: TensorLike, segmentIds: IntOperand, numSegments: IntOperand, name = 'UnsortedSegmentSum'): Tensor {
  const g = graphOf([data, segmentIds, numSegments]);
  const d = toTensor(data, undefined, g);
  const ids = intOperand(segmentIds, g, 'segment_ids');
  const n = intOperand(numSegments, g, 'num_segments');
  return makeOp(UnsortedSegmentSum, [d, ids, n], { T: d.dtype, Tindices: ids.dtype, Tnumsegments: n.dtype }, { name, graph: g }).outputs[0];
}
