import { InternalError, NDArray } from '../graph/ir/index.js';
import type { KernelContext, VariableAccess } from '../ops/op_def.js';
import type { Backend, DeviceBuffer } from './backend.js';
import type { MemoryBudget } from './memory_budget.js';
import type { PlanStep } from './plan.js';
import type { ExecuteOptions, SessionState, StepStat } from './run_types.js';
import { annotateRunError, checkFinite, checkOutputs, resolveOutputs } from './step_checks.js';
import { nullsOf, outBuffer } from './step_buffers.js';

/** What a run gives every step it dispatches (both executors build one per run). */
export interface StepEnv {
  /** The plan's devices (`plan.devices.backends`): a step runs on `backends[step.device]`. */
  readonly backends: readonly Backend[];
  readonly state: SessionState;
  readonly variables: VariableAccess;
  readonly budget: MemoryBudget;
  readonly options: ExecuteOptions;
  /** Trace records go here when `options.trace`. */
  readonly stats: StepStat[];
  /** `performance.now()` when the run started. */
  readonly t0: number;
}

/**
 * Dispatches one step on its device's backend: the one place both executors launch a kernel.
 * `values` are the step's input values in op order (null at ref inputs); host-memory inputs are
 * handed to the kernel as host values (and, on a device whose buffers are not host arrays, not as
 * device inputs). Resolves output types when the plan could not, lets the memory plan give an
 * output buffer, checks the budget and the outputs, and annotates any error with the op.
 * `runCounter` is the stateful op's execution count (random streams).
 */
export async function dispatchStep(step: PlanStep, values: readonly (DeviceBuffer | null)[], runCounter: number, env: StepEnv): Promise<DeviceBuffer[]> {
  const backend = env.backends[step.device];
  const n = step.inputs.length;
  // copied only when host-memory inputs are taken off a device backend's input list
  const inputs: (DeviceBuffer | null)[] = step.hostMask && !backend.hostResident ? values.slice() : (values as (DeviceBuffer | null)[]);
  // most ops have no host-memory input: they share one array of nulls instead of a new one
  const host: (NDArray | null)[] = step.hostMask ? new Array<NDArray | null>(n).fill(null) : nullsOf(n);
  if (step.hostMask) {
    for (let i = 0; i < n; i++) {
      if (!step.hostMask[i] || inputs[i] === null) continue;
      // the plan put host-memory inputs in host slots, whose buffers are NDArrays
      host[i] = inputs[i] as NDArray;
      if (!backend.hostResident) inputs[i] = null;
    }
  }
  const { options, budget } = env;
  const start = options.trace ? performance.now() : 0;
  let outs: DeviceBuffer[];
  try {
    const resolved = step.resolved ?? resolveOutputs(step, inputs, host);
    const ctx: KernelContext = {
      opName: step.node.name,
      opType: step.node.type,
      traceback: step.node.traceback,
      variables: env.variables,
      refName: (i) => {
        const r = step.inputs[i];
        if (r.kind !== 'ref') throw new InternalError(`Input ${i} of '${step.node.name}' is not a ref input`);
        return r.variable;
      },
      runCounter,
      sessionSeed: env.state.sessionSeed,
    };
    const out = outBuffer(step, inputs, resolved, backend);
    if (backend.hostResident) budget.beforeStep(step, inputs, resolved, out !== undefined);
    const r = backend.dispatch({ def: step.def, attrs: step.node.attrs, kernel: step.kernel, inputs, host, outputs: resolved, ctx, out, runScoped: step.ownedOutput });
    outs = r instanceof Promise ? await r : r;
    checkOutputs(step, outs, resolved);
    if (options.checkNumerics) for (const o of outs) checkFinite(step, backend.hostResident ? (o as NDArray) : await backend.read(o));
  } catch (e) {
    throw annotateRunError(e, step, inputs, host);
  }
  if (options.trace) {
    env.stats.push({
      nodeName: step.node.name,
      opType: step.node.type,
      startMicros: Math.round((start - env.t0) * 1000),
      durationMicros: Math.round((performance.now() - start) * 1000),
      outputShapes: outs.map((o) => [...o.shape]),
      kernel: `${backend.name}:${step.kernel}`,
      device: backend.device,
    });
  }
  return outs;
}

/**
 * The value a step reads at input an input that names a variable (a VariableV2's output read
 * as TF1 reads refs: when the step runs, this run's writes included): the host store's on a
 * host-resident device, the device's own copy elsewhere. Undefined: read the slot.
 */
export function refRead(step: PlanStep, variable: string, env: StepEnv): DeviceBuffer | undefined {
  const backend = env.backends[step.device];
  if (backend.hostResident) return env.variables.read(variable);
  return backend.residentVariables?.valueFor(variable, env.variables, step.node.name);
}
