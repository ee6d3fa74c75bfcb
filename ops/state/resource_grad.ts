import type { Tensor } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import type { GradFn, GradTable } from '../op_def.js';
import { gatherTensors } from '../array/gather.js';
import { int32Const } from '../array/operands.js';
import { shape } from '../array/reshape.js';
import { unsortedSegmentSum } from '../array/segment_sum.js';
import { ReadVariableOp } from './resource_ops.js';

/** TF's _ReadGrad: the read's gradient is the gradient of the variable, carried by its handle. */
const readGrad: GradFn = (_op, [g]) => [g];

/**
 * TF returns IndexedSlices for ResourceGather; like our GatherV2's gradient this is the dense
 * form: the gradient rows scatter-added into a tensor of the variable's shape.
 */
const gatherGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null];
  const [handle, indices] = op.inputs;
  const rows = handle.shape?.[0];
  const numSegments: Tensor =
    rows !== undefined && rows !== null
      ? int32Const(rows, handle.graph)
      : gatherTensors(shape(makeOp(ReadVariableOp, [handle], { dtype: g.dtype }).outputs[0]), int32Const(0, handle.graph));
  return [unsortedSegmentSum(g, indices, numSegments), null];
};

export const RESOURCE_GRADS: GradTable = { ReadVariableOp: readGrad, ResourceGather: gatherGrad };
