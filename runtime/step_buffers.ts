import { InternalError, NDArray } from '../graph/ir/index.js';
import type { ResolvedOutput } from '../ops/op_def.js';
import type { Backend, DeviceBuffer } from './backend.js';
import type { PlanStep } from './plan.js';

/* Buffer helpers both executors use (runtime/executor.ts and runtime/control_flow/executor.ts). */

const NULLS: (readonly null[])[] = [];

/** A shared, frozen array of `n` nulls (read only). */
export function nullsOf(n: number): (NDArray | null)[] {
  let a = NULLS[n];
  if (!a) {
    a = Object.freeze(new Array<null>(n).fill(null));
    NULLS[n] = a;
  }
  return a as (NDArray | null)[];
}

/** A copy step: device to host is a read back, host to device an upload, device to device both. */
export async function copy(v: DeviceBuffer | undefined, from: Backend, to: Backend, step: PlanStep, src: number): Promise<DeviceBuffer> {
  if (!v) throw new InternalError(`Executor: no value in slot ${src} to copy for '${step.node.name}'`);
  const onHost = from.hostResident ? (v as NDArray) : await from.read(v);
  return to.hostResident ? onHost : to.upload(onHost);
}

/** The buffer the plan lets this step write into: a dying input's (in place) or a pooled one. */
export function outBuffer(step: PlanStep, inputs: readonly (DeviceBuffer | null)[], resolved: readonly ResolvedOutput[], backend: Backend): DeviceBuffer | undefined {
  if (step.inPlace < 0 && !step.pooledOutput) return undefined;
  if (resolved.length !== 1 || resolved[0].unknownRank || resolved[0].shape.some((d) => d < 0)) return undefined;
  if (step.inPlace >= 0) {
    const x = inputs[step.inPlace];
    // a buffer the backend takes back at the end of the run must not become a value that outlives it
    if (x && !step.ownedOutput && backend.isRunScoped?.(x)) return undefined;
    return x && x.dtype === resolved[0].dtype && sameSize(x.shape, resolved[0].shape) ? x : undefined;
  }
  return backend.alloc(resolved[0].dtype, resolved[0].shape, step.ownedOutput);
}

function sameSize(a: readonly number[], b: readonly number[]): boolean {
  let n = 1;
  let m = 1;
  for (const d of a) n *= d;
  for (const d of b) m *= d;
  return n === m;
}

