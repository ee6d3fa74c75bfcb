import { type AttrMap, DType, InvalidArgumentError, NDArray, normalizeAxis, PartialShape } from '../../graph/ir/index.js';
import { checkDType, INTEGERS, NUMERIC } from '../dtype_sets.js';
import { intVector } from '../kernel_util.js';
import { defineOp, InputSpec, OpDef } from '../op_def.js';

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

/** A reduction over the axes operand. Gradients: reduction_grad.ts; builders: reductions.ts. */
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
