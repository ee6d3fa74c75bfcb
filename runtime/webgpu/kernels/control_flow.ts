import { InternalError } from '../../../graph/ir/index.js';
import type { GpuKernel } from './kernel.js';
import { need } from './kernel.js';

/** Forwards its input: the buffer moves on, nothing is launched. */
const forward: GpuKernel = (a) => [need(a, 0)];

function executorOnly(what: string): GpuKernel {
  return (a) => {
    throw new InternalError(`'${a.ctx.opName}' (${a.ctx.opType}): ${what} is run by the control-flow executor (runtime/control_flow/), never as a kernel`);
  };
}

/**
 * TF1 control flow on the device. The control-flow executor gives these ops their meaning and only
 * moves device buffers between frames and branches: a Switch reads its predicate on the host (a
 * host-memory input, so the plan copies that one scalar back), a Merge's value_index and a loop
 * stack's handle are small uploads, and the stacks hold device buffers. Enter, Exit,
 * NextIteration and LoopCond keep their plain meaning (forward the input) as kernels.
 */
export const CONTROL_FLOW_GPU_KERNELS = {
  Switch: executorOnly('Switch'),
  Merge: executorOnly('Merge'),
  StackV2: executorOnly('a loop stack op'),
  Enter: forward,
  Exit: forward,
  NextIteration: forward,
  LoopCond: forward,
};
