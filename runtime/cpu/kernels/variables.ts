import { FailedPreconditionError, NDArray } from '../../../graph/ir/index.js';
import type { KernelContext } from '../../../ops/op_def.js';

/** Reads the variable's current value in this run, or fails like TF does when uninitialized. */
export function readVariable(ctx: KernelContext, name: string): NDArray {
  const v = ctx.variables.read(name);
  if (!v) throw new FailedPreconditionError(`Attempting to use uninitialized value ${name}`);
  return v;
}
