import { InternalError, NDArray } from '../graph/ir/index.js';
import type { DeviceBuffer } from './backend.js';
import type { Plan } from './plan.js';
import { detachFetches } from './detach.js';
import { dispatchStep, refRead, StepEnv } from './dispatch_step.js';
import { MemoryBudget } from './memory_budget.js';
import { RunVariables } from './run_variables.js';
import type { ExecuteOptions, SessionState, StepStat } from './run_types.js';
import { copy } from './step_buffers.js';
import { executeControlFlow } from './control_flow/executor.js';

export type { ExecuteOptions, SessionState, StepStat } from './run_types.js';

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
  const run = new RunVariables(plan, state);
  const variables = run.access;
  const stats: StepStat[] = [];
  const t0 = performance.now();
  const env: StepEnv = { backends, state, variables, budget, options, stats, t0 };
  const counters = new Map<string, number>();
  try {
    await run.prepareDevices();
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
      for (let i = 0; i < n; i++) {
        const inp = step.inputs[i];
        if (inp.kind === 'ref') {
          inputs[i] = null;
          continue;
        }
        // a ref variable is read when its reader runs, as in TF1 (see InputRef)
        const v = (inp.variable !== undefined ? refRead(step, inp.variable, env) : undefined) ?? slots[inp.slot];
        if (!v) throw new InternalError(`Executor: no value in slot ${inp.slot} for '${step.node.name}'`);
        inputs[i] = v;
      }
      const outs = await dispatchStep(step, inputs, state.runCounters.get(step.node.name) ?? 0, env);
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
    }
    const fetched: NDArray[] = [];
    for (let i = 0; i < plan.fetchSlots.length; i++) {
      const s = plan.fetchSlots[i];
      const v = slots[s];
      if (!v) throw new InternalError(`Executor: fetch ${plan.program.fetches[i].node.name}:${plan.program.fetches[i].index} produced no value`);
      const b = backends[plan.slotDevice[s]];
      fetched.push(b.hostResident ? (v as NDArray) : await b.read(v));
    }
    run.commit();
    for (const [k, v] of counters) state.runCounters.set(k, v);
    return { fetched: detachFetches(fetched, plan.heldBuffers, run.keptValues()), stats };
  } finally {
    run.finish();
  }
}
