import { formatShape, InvalidArgumentError, isCompatible, NDArray, PartialShape } from '../../graph/ir/index.js';
import { checkDType, checkSameDType, FLOATS } from '../dtype_sets.js';
import type { InputSpec, KernelContext, OpContext, OutputSpec } from '../op_def.js';
import { readVariable } from '../state/variable_ops.js';

/**
 * The input layout of a fused Apply* op, by TF's input names: which inputs are variable refs
 * (var and its slots) and which are scalar hyper-parameters. Every other input has var's shape.
 */
export interface ApplySignature {
  readonly names: readonly string[];
  readonly refs: readonly number[];
  readonly scalars: readonly number[];
}

function scalarError(name: string, shape: PartialShape | readonly number[]): InvalidArgumentError {
  return new InvalidArgumentError(`${name} is not a scalar: ${formatShape(shape)}`);
}

function shapeError(name: string, a: PartialShape | readonly number[], b: PartialShape | readonly number[]): InvalidArgumentError {
  // TF's text, including its missing space before the first shape
  return new InvalidArgumentError(`var and ${name} do not have the same shape${formatShape(a)} ${formatShape(b)}`);
}

/** Shared inference: one float dtype for every input, scalar hyper-parameters, var-shaped rest. */
export function inferApply(sig: ApplySignature, inputs: readonly InputSpec[], ctx: OpContext): OutputSpec[] {
  const dt = checkSameDType(sig.names, inputs.map((i) => i.dtype), ctx.opType);
  checkDType('var', dt, FLOATS);
  const v = inputs[0];
  inputs.forEach((inp, i) => {
    if (sig.scalars.includes(i)) {
      if (inp.shape !== null && inp.shape.length !== 0) throw scalarError(sig.names[i], inp.shape);
    } else if (i > 0 && !isCompatible(v.shape, inp.shape)) {
      throw shapeError(sig.names[i], v.shape, inp.shape);
    }
  });
  return [{ dtype: dt, shape: v.shape }];
}

/**
 * The kernel's view of its inputs: ref inputs replaced by the variables' current values (in this
 * run), all var-shaped inputs checked against var's actual shape, scalars checked.
 */
export function readApplyInputs(sig: ApplySignature, inputs: readonly NDArray[], ctx: KernelContext): NDArray[] {
  const values = inputs.map((x, i) => (sig.refs.includes(i) ? readVariable(ctx, ctx.refName(i)) : x));
  const v = values[0];
  values.forEach((x, i) => {
    if (sig.scalars.includes(i)) {
      if (x.rank !== 0) throw scalarError(sig.names[i], x.shape);
    } else if (i > 0 && x.shape.join() !== v.shape.join()) {
      throw shapeError(sig.names[i], v.shape, x.shape);
    }
  });
  return values;
}

/** A fresh float32 copy of a value, for the kernel to update and then write back. */
export function copyOf(x: NDArray): NDArray {
  // slice is a memcpy; Float32Array.from walks the iterator protocol (a tenth of the speed)
  return new NDArray(x.dtype, x.shape, (x.data as Float32Array).slice());
}
