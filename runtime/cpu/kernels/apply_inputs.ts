import { NDArray } from '../../../graph/ir/index.js';
import type { KernelContext } from '../../../ops/op_def.js';
import { type ApplySignature, scalarError, shapeError } from '../../../ops/optimizer/apply_checks.js';
import { readVariable } from './variables.js';

/*
 * What the Apply* kernels share: reading their ref inputs from the session's variables and
 * checking the run-time shapes against var's (inference checked the static ones, with the same
 * messages from apply_checks.ts).
 */

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
