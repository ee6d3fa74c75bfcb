import {
  DType,
  InvalidArgumentError,
  NDArray,
  normalizeAxis,
  PartialShape,
  Tensor,
} from '../../graph/ir/index.js';
import { graphOf, makeOp, staticValue, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS, NUMERIC } from '../dtype_sets.js';
import { intVector } from '../kernel_util.js';
import { defineOp, GradFn, InputSpec, OpDef } from '../op_def.js';
import { argReduce, reduceArray, ReduceKind } from './reduce_kernel.js';
import { reshape, shape as shapeOf, size } from '../array/reshape.js';
import { broadcastTo } from '../array/broadcast.js';
import { cast } from '../array/cast.js';
import { range } from '../array/range.js';
import { div, floorMod, maximum, mul } from '../elementwise/math_binary.js';
import { equal, where } from '../elementwise/compare.js';
import { expandDims } from '../array/reshape.js';
import { prodGrad } from './prod_grad.js';

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

function reductionOp(type: string, kind: ReduceKind, allowed: readonly DType[], grad: GradFn): OpDef {
  return defineOp<ReduceAttrs>({
    type,
    attrDefaults: { keep_dims: false },
    hostInputs: [1],
    infer(inputs, attrs) {
      const [x, axes] = inputs;
      checkDType('input', x.dtype, allowed);
      checkDType('reduction_indices', axes.dtype, INTEGERS);
      return [{ dtype: x.dtype, shape: reducedShape(x, axes, attrs.keep_dims) }];
    },
    cpu: {
      kind: 'kernel',
      run([x, axes], _attrs, [out]) {
        return [reduceArray(x, reductionAxes(axes, x.rank), kind, out.dtype, out.shape)];
      },
    },
    grad,
  });
}

/**
 * The shape of x with the reduced axes set to 1 (TF's reduced_shape), as a tensor: a constant when
 * everything is static, else built from Shape(x) at run time.
 */
export function keepDimsShape(x: Tensor, axes: Tensor): Tensor {
  const xs = x.shape;
  const av = staticValue(axes);
  if (xs !== null && av !== null) {
    const ax = reductionAxes(av, xs.length);
    if (xs.every((d) => d !== null)) return toTensor(NDArray.from(Int32Array.from(xs.map((d, i) => (ax.includes(i) ? 1 : (d as number)))), [xs.length], 'int32'), 'int32', x.graph);
    const mask = NDArray.from(xs.map((_d, i) => ax.includes(i)), [xs.length], 'bool');
    return where(mask, 1, shapeOf(x));
  }
  // fully dynamic: mask[i] = any(axes mod rank == i); a sum, not a max, so no axes gives all false
  const rankT = size(shapeOf(x));
  const positions = expandDims(range(0, rankT, 1), 1);
  const hits = cast(equal(positions, reshape(floorMod(axes, rankT), [1, -1])), 'int32');
  const mask = cast(reduceSum(hits, 1), 'bool');
  return where(mask, 1, shapeOf(x));
}

const sumGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null];
  const [x, axes] = op.inputs;
  const kept = op.attrs.keep_dims ? g : reshape(g, keepDimsShape(x, axes));
  return [broadcastTo(kept, shapeOf(x)), null];
};

const meanGrad: GradFn = (op, grads) => {
  const [sum] = sumGrad(op, grads);
  if (!sum) return [null, null];
  const x = op.inputs[0];
  const y = op.outputs[0];
  const xs = x.shape;
  const ys = y.shape;
  let count: Tensor;
  if (xs && ys && xs.every((d) => d !== null) && ys.every((d) => d !== null)) {
    const n = (xs as number[]).reduce((a, b) => a * b, 1) / Math.max((ys as number[]).reduce((a, b) => a * b, 1), 1);
    count = toTensor(NDArray.scalar(n, x.dtype), x.dtype, x.graph);
  } else {
    count = cast(div(size(x), maximum(size(y), 1)), x.dtype);
  }
  return [div(sum, count), null];
};

const extremumGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null];
  const [x, axes] = op.inputs;
  const keep = keepDimsShape(x, axes);
  const yKeep = reshape(op.outputs[0], keep);
  const gKeep = reshape(g, keep);
  const indicators = cast(equal(x, yKeep), x.dtype);
  const count = reshape(reduceSum(indicators, axes), keep);
  return [mul(div(indicators, count), gKeep), null];
};

export const Sum = reductionOp('Sum', 'sum', NUMERIC, sumGrad);
export const Mean = reductionOp('Mean', 'mean', NUMERIC, meanGrad);
export const Max = reductionOp('Max', 'max', NUMERIC, extremumGrad);
export const Min = reductionOp('Min', 'min', NUMERIC, extremumGrad);
export const Prod = reductionOp('Prod', 'prod', NUMERIC, prodGrad);

type ArgAttrs = { output_type: DType };

function argOp(type: string, wantMax: boolean): OpDef {
  return defineOp<ArgAttrs>({
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
    cpu: {
      kind: 'kernel',
      run([x, dim], _attrs, [out]) {
        const axis = normalizeAxis(dim.data[0], x.rank, type);
        if (x.shape[axis] === 0) throw new InvalidArgumentError(`Reduction axis ${axis} is empty in shape [${x.shape.join(',')}]`);
        return [argReduce(x, axis, wantMax, out.dtype, out.shape)];
      },
    },
    grad: 'none',
  });
}

export const ArgMax = argOp('ArgMax', true);
export const ArgMin = argOp('ArgMin', false);

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
