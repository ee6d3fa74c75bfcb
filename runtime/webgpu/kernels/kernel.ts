import type { AttrMap, NDArray } from '../../../graph/ir/index.js';
import type { RoutineName } from '../../../ops/lowering.js';
import type { KernelContext, ResolvedOutput } from '../../../ops/op_def.js';
import type { KernelDevice } from '../kernel_device.js';
import type { GpuTensor } from '../gpu_tensor.js';
import type { ResidentVariables } from '../resident_variables.js';

/** What kernels do with the session's device variables (the recorder stands in for them too). */
export type KernelVariables = Pick<ResidentVariables, 'read' | 'write' | 'current' | 'forget'>;

/** What a WebGPU kernel gets: the device, its inputs (null at ref and host-memory inputs), types. */
export interface GpuKernelArgs {
  /** The run's device, or the recorder that learns a plan's pipelines before its first run. */
  readonly gpu: KernelDevice;
  readonly inputs: readonly (GpuTensor | null)[];
  /** Host values of host-memory inputs (axes, shapes, perms), null elsewhere. */
  readonly host: readonly (NDArray | null)[];
  readonly attrs: AttrMap;
  readonly outputs: readonly ResolvedOutput[];
  readonly ctx: KernelContext;
  /** The session's variables kept on this device (Variable reads, Assign and Apply writes). */
  readonly variables: KernelVariables;
  /** Device copies of constants, uploaded once per constant value. */
  readonly constant: (value: NDArray) => GpuTensor;
}

export type GpuKernel = (a: GpuKernelArgs) => GpuTensor[];

/**
 * A kernel that must read a device value back before it can answer (CheckNumerics: the run fails
 * or goes on). The executor awaits it; every other kernel only records launches.
 */
export interface AsyncGpuKernel {
  readonly async: (a: GpuKernelArgs) => Promise<GpuTensor[]>;
}

/** An explicit refusal: this backend cannot run the routine, and says why. */
export interface Unsupported {
  readonly unsupported: string;
}

/** The WebGPU backend's entry for every routine: a missing one does not compile. */
export type GpuKernelTable = { readonly [R in RoutineName]: GpuKernel | AsyncGpuKernel | Unsupported };

/** A device input the op needs: present (the executor passes null only at ref/host inputs). */
export function need(a: GpuKernelArgs, i: number): GpuTensor {
  const t = a.inputs[i];
  if (!t) throw new Error(`WebGPU kernel for '${a.ctx.opName}' (${a.ctx.opType}): input ${i} is not on the device`);
  return t;
}

/** A host-memory input's value. */
export function hostValue(a: GpuKernelArgs, i: number): NDArray {
  const v = a.host[i];
  if (!v) throw new Error(`WebGPU kernel for '${a.ctx.opName}' (${a.ctx.opType}): host-memory input ${i} has no value`);
  return v;
}
