import type { AttrMap, NDArray } from '../../../graph/ir/index.js';
import type { RoutineName } from '../../../ops/lowering.js';
import type { KernelContext, ResolvedOutput } from '../../../ops/op_def.js';

/** A CPU kernel: host arrays in, host arrays out, output types already resolved by inference. */
export type CpuKernel = (inputs: readonly NDArray[], attrs: AttrMap, outputs: readonly ResolvedOutput[], ctx: KernelContext) => NDArray[];

/** A kernel written against its op's typed attrs. */
export type TypedCpuKernel<A extends AttrMap> = (inputs: readonly NDArray[], attrs: A, outputs: readonly ResolvedOutput[], ctx: KernelContext) => NDArray[];

/** An explicit refusal: the backend cannot run this routine, and says why. */
export interface Unsupported {
  readonly unsupported: string;
}

/** The CPU backend's kernel for every routine: a missing entry does not compile. */
export type CpuKernelTable = { readonly [R in RoutineName]: CpuKernel | Unsupported };

/** Erases a kernel's attr type for the table, keeping it checked where the kernel is written. */
export function kernel<A extends AttrMap>(fn: TypedCpuKernel<A>): CpuKernel {
  return fn as unknown as CpuKernel;
}
