import { DType, NDArray, Tensor } from '../../graph/ir/index.js';
import { shape as shapeOf, size } from '../array/reshape.js';
import { range } from '../array/range.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import type { OpDef } from '../op_def.js';
import { ArgMax, ArgMin, Max, Mean, Min, Prod, Sum } from './reduce_ops.js';

/* The reduction builders (tf.reduce_sum, ...): the definitions are in reduce_ops.ts. */

export type AxisArg = number | readonly number[] | TensorLike | null | undefined;

/** The reduction-indices operand: all axes when omitted (a range over the rank when unknown). */
function axesTensor(x: Tensor, axis: AxisArg): Tensor {
  if (axis === undefined || axis === null) {
    const r = x.rank;
    if (r !== null) return toTensor(NDArray.from(Int32Array.from({ length: r }, (_v, i) => i), [r], 'int32'), 'int32', x.graph, 'Const');
    return range(0, size(shapeOf(x)), 1);
  }
  if (typeof axis === 'number') return toTensor(NDArray.scalar(axis, 'int32'), 'int32', x.graph);
  if (Array.isArray(axis) && axis.every((a) => typeof a === 'number')) {
    return toTensor(NDArray.from(Int32Array.from(axis as number[]), [axis.length], 'int32'), 'int32', x.graph);
  }
  return toTensor(axis as TensorLike, 'int32', x.graph);
}

function reducer(def: OpDef) {
  return (x: TensorLike, axis?: AxisArg, keepDims = false, name?: string): Tensor => {
    const t = toTensor(x, undefined, graphOf([x, axis]));
    return makeOp(def, [t, axesTensor(t, axis)], { keep_dims: keepDims }, { name }).outputs[0];
  };
}

export const reduceSum = reducer(Sum);
export const reduceMean = reducer(Mean);
export const reduceMax = reducer(Max);
export const reduceMin = reducer(Min);
export const reduceProd = reducer(Prod);

function arg(def: OpDef) {
  return (x: TensorLike, axis = 0, options: { outputType?: DType } = {}, name?: string): Tensor => {
    const t = toTensor(x);
    const d = toTensor(NDArray.scalar(axis, 'int32'), 'int32', t.graph);
    return makeOp(def, [t, d], { output_type: options.outputType ?? 'int32' }, { name }).outputs[0];
  };
}

/** argMax/argMin return int32 by default (TF returns int64; we hold int64 as int32 anyway). */
export const argMax = arg(ArgMax);
export const argMin = arg(ArgMin);
