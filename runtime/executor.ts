import { InternalError, NDArray } from '../graph/ir/index.js';
import type { KernelContext, VariableAccess } from '../ops/op_def.js';
import type { DeviceBuffer } from './backend.js';
import type { Plan } from './plan.js';
import { annotateRunError, checkFinite, checkOutputs, resolveOutputs } from './step_checks.js';
import { detachFetches } from './detach.js';
import { MemoryBudget } from './memory_budget.js';
import { copy, nullsOf, outBuffer } from './step_buffers.js';
import { executeControlFlow } from './control_flow/executor.js';

/** What a session keeps between runs. */
export interface SessionState {
  readonly variables: Map<string, NDArray>;
  readonly runCounters: Map<string, number>;
  readonly sessionSeed: number;
}

export interface StepStat {
  nodeName: string;
  opType: string;
  /** Microseconds since the run started. */
  startMicros: number;
  durationMicros: number;
  outputShapes: number[][];
  kernel: string;
  /** The device the step ran on ('/device:CPU:0'). */
  device: string;
}

export interface ExecuteOptions {
  trace?: boolean;
  checkNumerics?: boolean;
  /** Bytes the run may hold in host memory, variables and feeds included (default: no limit). */
  memoryLimitBytes?: number;
  /** The device named in OOM messages. */
  device?: string;
}

/**
 * Runs a plan on its devices' backends. Slots hold device buffers; host values appear only for
 * feeds, fetches, host-memory inputs and the plan's copy steps. Variable writes go to a pending map
 * that later steps of the same run read, and are committed only when every step succeeded: a failed
 * run leaves every variable as it was. What it returns shares no memory with the session's state.
 * The memory limit counts host buffers (the host-resident devices' slots).
 */
export async function execute(
  plan: Plan,
  feeds: ReadonlyMap<number, NDArray>,
  state: SessionState,
  options: ExecuteOptions = {},
): Promise<{ fetched: NDArray[]; stats: StepStat[] }> {
  // plans with Switch/Merge/loops take the dataflow scheduler; straight-line plans stay on this loop
  if (plan.controlFlow) return executeControlFlow(plan, plan.controlFlow, feeds, state, options);
  const backends = plan.devices.backends;
  const slots: (DeviceBuffer | undefined)[] = new Array(plan.numSlots);
  for (const [s, v] of feeds) slots[s] = v;
  const budget = new MemoryBudget(options.memoryLimitBytes ?? Infinity, options.device ?? backends[plan.devices.host].device);
  budget.pin(state.variables.values());
  budget.pin(feeds.values());
  budget.pin(plan.heldValues);
  const onHost = (s: number): boolean => backends[plan.slotDevice[s]].hostResident;
  // null: destroyed in this run
  const pending = new Map<string, NDArray | null>();
  const variables: VariableAccess = {
    read: (name) => (pending.has(name) ? (pending.get(name) ?? undefined) : state.variables.get(name)),
    write: (name, value) => {
      pending.set(name, value);
    },
    delete: (name) => {
      pending.set(name, null);
    },
  };
  const stats: StepStat[] = [];
  const t0 = performance.now();
  const counters = new Map<string, number>();
  let committed = false;
  try {
    await prepareDevices(plan, state);
    for (const step of plan.steps) {
      for (const c of step.copiesBefore) {
        const cStart = options.trace ? performance.now() : 0;
        const v = await copy(slots[c.src], backends[c.from], backends[c.to], step, c.src);
        slots[c.dst] = v;
        if (backends[c.to].hostResident) budget.hold(v as NDArray);
        if (options.trace) {
          const name = c.value.node.type === '_Feed' ? c.value.node.name : `${c.value.node.name}:${c.value.index}`;
          stats.push({
            nodeName: `${name}/_copy`,
            opType: '_Copy',
            startMicros: Math.round((cStart - t0) * 1000),
            durationMicros: Math.round((performance.now() - cStart) * 1000),
            outputShapes: [[...v.shape]],
            kernel: `${backends[c.from].name}->${backends[c.to].name}:copy`,
            device: backends[c.to].device,
          });
        }
      }
      const backend = backends[step.device];
      const n = step.inputs.length;
      const inputs: (DeviceBuffer | null)[] = new Array(n);
      // most ops have no host-memory input: they share one array of nulls instead of a new one
      const host: (NDArray | null)[] = step.hostMask ? new Array<NDArray | null>(n).fill(null) : nullsOf(n);
      for (let i = 0; i < n; i++) {
        const inp = step.inputs[i];
        if (inp.kind === 'ref') {
          inputs[i] = null;
          continue;
        }
        // a ref variable is read when its reader runs, as in TF1 (see InputRef)
        const v = (inp.variable !== undefined ? variables.read(inp.variable) : undefined) ?? slots[inp.slot];
        if (!v) throw new InternalError(`Executor: no value in slot ${inp.slot} for '${step.node.name}'`);
        // the plan put host-memory inputs in host slots, whose buffers are NDArrays
        if (step.hostMask !== null && step.hostMask[i]) {
          host[i] = v as NDArray;
          inputs[i] = backend.hostResident ? v : null;
        } else inputs[i] = v;
      }
      const start = options.trace ? performance.now() : 0;
      let outs: DeviceBuffer[];
      try {
        const resolved = step.resolved ?? resolveOutputs(step, inputs, host);
        const ctx: KernelContext = {
          opName: step.node.name,
          opType: step.node.type,
          traceback: step.node.traceback,
          variables,
          refName: (i) => {
            const r = step.inputs[i];
            if (r.kind !== 'ref') throw new InternalError(`Input ${i} of '${step.node.name}' is not a ref input`);
            return r.variable;
          },
          runCounter: state.runCounters.get(step.node.name) ?? 0,
          sessionSeed: state.sessionSeed,
        };
        const out = outBuffer(step, inputs, resolved, backend);
        if (backend.hostResident) budget.beforeStep(step, inputs, resolved, out !== undefined);
        const r = backend.dispatch({ def: step.def, attrs: step.node.attrs, kernel: step.kernel, inputs, host, outputs: resolved, ctx, out });
        outs = r instanceof Promise ? await r : r;
        checkOutputs(step, outs, resolved);
        if (options.checkNumerics) for (const o of outs) checkFinite(step, backend.hostResident ? (o as NDArray) : await backend.read(o));
      } catch (e) {
        throw annotateRunError(e, step, inputs, host);
      }
      if (step.def.stateful) counters.set(step.node.name, (state.runCounters.get(step.node.name) ?? 0) + 1);
      for (let i = 0; i < step.outputSlots.length; i++) {
        const s = step.outputSlots[i];
        if (s < 0) continue;
        slots[s] = outs[i];
        if (backend.hostResident) budget.hold(outs[i] as NDArray);
      }
      for (const s of step.recycle) backends[plan.slotDevice[s]].free(slots[s]!);
      for (const s of step.release) {
        if (onHost(s)) budget.release(slots[s] as NDArray);
        slots[s] = undefined;
      }
      if (backend.hostResident) budget.afterStep(step, outs as NDArray[]);
      if (options.trace) {
        const end = performance.now();
        stats.push({
          nodeName: step.node.name,
          opType: step.node.type,
          startMicros: Math.round((start - t0) * 1000),
          durationMicros: Math.round((end - start) * 1000),
          outputShapes: outs.map((o) => [...o.shape]),
          kernel: `${backend.name}:${step.kernel}`,
          device: backend.device,
        });
      }
    }
    const fetched: NDArray[] = [];
    for (let i = 0; i < plan.fetchSlots.length; i++) {
      const s = plan.fetchSlots[i];
      const v = slots[s];
      if (!v) throw new InternalError(`Executor: fetch ${plan.program.fetches[i].node.name}:${plan.program.fetches[i].index} produced no value`);
      const b = backends[plan.slotDevice[s]];
      fetched.push(b.hostResident ? (v as NDArray) : await b.read(v));
    }
    for (const [k, v] of pending) {
      if (v === null) state.variables.delete(k);
      else state.variables.set(k, v);
      // the host now holds the newest value (or none): a device copy of the old one is dropped
      for (const b of backends) b.residentVariables?.drop(k);
    }
    for (const b of backends) b.residentVariables?.commit();
    committed = true;
    for (const [k, v] of counters) state.runCounters.set(k, v);
    return { fetched: detachFetches(fetched, plan.heldBuffers, state.variables.values()), stats };
  } finally {
    for (const b of backends) {
      if (!committed) b.residentVariables?.discard();
      b.endRun();
    }
  }
}

/**
 * Before a run: each device is readied (a WebGPU device is acquired, or re-acquired after a loss;
 * variables that lived only on a lost device are forgotten, so reading them fails as uninitialized),
 * and a variable that host-side steps read while its newest value is on a device is read back.
 */
async function prepareDevices(plan: Plan, state: SessionState): Promise<void> {
  const backends = plan.devices.backends;
  for (const b of backends) {
    try {
      if (b.prepare) await b.prepare();
    } finally {
      for (const name of b.residentVariables?.takeLost() ?? []) state.variables.delete(name);
    }
  }
  const stores = backends.filter((b) => b.residentVariables !== undefined);
  if (stores.length === 0) return;
  for (const step of plan.steps) {
    if (!backends[step.device].hostResident) continue;
    const names = step.inputs.filter((i) => i.kind === 'ref').map((i) => i.variable);
    if (step.node.type === 'VariableV2') names.push(step.node.name);
    for (const name of names) {
      for (const b of stores) {
        if (!b.residentVariables!.has(name)) continue;
        const v = await b.residentVariables!.readBack(name);
        if (v) state.variables.set(name, v);
      }
    }
  }
}
