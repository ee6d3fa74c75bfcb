import { DType, formatShape, InvalidArgumentError, PartialShape, Tensor, UnimplementedError } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS } from '../dtype_sets.js';
import { scalarOf } from '../kernel_util.js';
import { defineOp } from '../op_def.js';
import { checkedAxis, int32Const, intOperand, IntOperand, unknownDims } from './operands.js';

export type GatherAttrs = { batch_dims: number; Taxis?: DType; Tindices?: DType; Tparams?: DType };

export const axisError = (axis: number, r: number): string => `Expected axis in the range [${-r}, ${r}), but got ${axis}`;

/** params[:axis] + indices + params[axis+1:]. */
function gatherShape(params: PartialShape, indices: PartialShape, axis: number | null): PartialShape {
  if (params === null) return null;
  if (params.length === 0) throw new InvalidArgumentError('params must be at least 1 dimensional');
  if (axis === null) return indices === null ? null : unknownDims(params.length + indices.length - 1);
  const a = checkedAxis(axis, params.length, axisError(axis, params.length));
  if (indices === null) return null;
  return [...params.slice(0, a), ...indices, ...params.slice(a + 1)];
}

export const GatherV2 = defineOp<GatherAttrs>()({
  type: 'GatherV2',
  hostInputs: [2],
  attrDefaults: { batch_dims: 0 },
  infer(inputs, attrs) {
    const [params, indices, axis] = inputs;
    if (attrs.batch_dims !== 0) throw new UnimplementedError(`GatherV2: batch_dims = ${attrs.batch_dims} is not supported; only batch_dims = 0`);
    checkDType('indices', indices.dtype, INTEGERS);
    checkDType('axis', axis.dtype, INTEGERS);
    if (axis.shape !== null && axis.shape.length !== 0) throw new InvalidArgumentError(`axis must be scalar, but got shape ${formatShape(axis.shape)}`);
    const av = axis.value ? scalarOf(axis.value, 'axis') : null;
    return [{ dtype: params.dtype, shape: gatherShape(params.shape, indices.shape, av) }];
  },
  lowering: { kind: 'routine', routine: 'GatherV2' },
});

/** GatherV2 over tensors (for gradient code). */
export function gatherTensors(params: Tensor, indices: Tensor, axis?: Tensor, name?: string): Tensor {
  const a = axis ?? int32Const(0, params.graph);
  return makeOp(GatherV2, [params, indices, a], { batch_dims: 0, Tparams: params.dtype, Tindices: indices.dtype, Taxis: a.dtype }, { name }).outputs[0];
}

/** tf.gather: slices of `params` along `axis` picked by `indices` (any shape); out-of-range indices are an error. */
export function gather(params: TensorLike, indices: IntOperand, axis: IntOperand = 0, name = 'GatherV2'): Tensor {
  const g = graphOf([params, indices, axis]);
  const p = toTensor(params, undefined, g);
  return gatherTensors(p, intOperand(indices, g, 'indices'), intOperand(axis, g, 'axis'), name);
}
