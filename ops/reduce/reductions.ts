import type { AttrMap } from '../../graph/ir/index.js';
import {
  DType,
  InvalidArgumentError,
  NDArray,
  normalizeAxis,
  PartialShape,
  Tensor,
} from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS, NUMERIC } from '../dtype_sets.js';
import { intVector } from '../kernel_util.js';
import { defineOp, InputSpec, OpDef } from '../op_def.js';
import { shape as shapeOf, size } from '../array/reshape.js';
import { range } from '../array/range.js';

type ReduceAttrs = { keep_dims: boolean };

/** Normalised, de-duplicated reduction axes, with TF's error for out-of-range ones. */
export function reductionAxes(axesValue: NDArray, rank: number): number[] {
  const raw = intVector(axesValue, 'reduction indices');
  const out: number[] = [];
  for (const a of raw) {
    if (a < -rank || a >= rank) {
      throw new InvalidArgumentError(`Invalid reduction dimension ${a} for input with ${rank} dimensions.`);
    }
    const n = a < 0 ? a + rank : a;
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

function reducedShape(x: InputSpec, axes: InputSpec, keepDims: boolean): PartialShape {
  if (x.shape === null) return null;
  if (axes.value === null) {
    return keepDims ? x.shape.map(() => null) : null;
  }
  const ax = reductionAxes(axes.value, x.shape.length);
  if (keepDims) return x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  return x.shape.filter((_d, i) => !ax.includes(i));
}

/** A reduction over the axes operand. Gradients: reduction_grad.ts. */
function reductionOp<T extends 'Sum' | 'Mean' | 'Max' | 'Min' | 'Prod'>(type: T, allowed: readonly DType[]): OpDef<AttrMap, T> {
  return defineOp<ReduceAttrs>()({
    type,
    attrDefaults: { keep_dims: false },
    hostInputs: [1],
    infer(inputs, attrs) {
      const [x, axes] = inputs;
      checkDType('input', x.dtype, allowed);
      checkDType('reduction_indices', axes.dtype, INTEGERS);
      return [{ dtype: x.dtype, shape: reducedShape(x, axes, attrs.keep_dims) }];
    },
    lowering: { kind: 'routine', routine: type },
  });
}

export const Sum = reductionOp('Sum', NUMERIC);
export const Mean = reductionOp('Mean', NUMERIC);
export const Max = reductionOp('Max', NUMERIC);
export const Min = reductionOp('Min', NUMERIC);
export const Prod = reductionOp('Prod', NUMERIC);

type ArgAttrs = { output_type: DType };

function argOp<T extends 'ArgMax' | 'ArgMin'>(type: T): OpDef<AttrMap, T> {
  return defineOp<ArgAttrs>()({
    type,
    attrDefaults: { output_type: 'int64' },
    hostInputs: [1],
    infer(inputs, attrs) {
      const [x, dim] = inputs;
      checkDType('input', x.dtype, NUMERIC);
      checkDType('dimension', dim.dtype, INTEGERS);
      checkDType('output_type', attrs.output_type, INTEGERS);
      if (x.shape === null || dim.value === null) return [{ dtype: attrs.output_type, shape: null }];
      const axis = normalizeAxis(dim.value.data[0], x.shape.length, type);
      return [{ dtype: attrs.output_type, shape: x.shape.filter((_d, i) => i !== axis) }];
    },
    lowering: { kind: 'routine', routine: type },
    grad: 'none',
  });
}

export const ArgMax = argOp('ArgMax');
export const ArgMin = argOp('ArgMin');

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
