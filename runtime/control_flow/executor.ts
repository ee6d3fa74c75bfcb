import { InternalError, InvalidArgumentError, NDArray } from '../../graph/ir/index.js';
import type { Backend, DeviceBuffer } from '../backend.js';
import type { CopyStep, Plan, PlanStep } from '../plan.js';
import type { ExecuteOptions, SessionState, StepStat } from '../run_types.js';
import { copy } from '../step_buffers.js';
import { detachFetches } from '../detach.js';
import { dispatchStep, refRead, StepEnv } from '../dispatch_step.js';
import { MemoryBudget } from '../memory_budget.js';
import { RunVariables } from '../run_variables.js';
import type { ControlFlowPlan, Frame } from './frames.js';

/** A value that will never be computed: the untaken side of a Switch, and all that depends on it. */
const DEAD: unique symbol = Symbol('dead');
type Value = DeviceBuffer | typeof DEAD;

/**
 * One iteration of one frame (the root frame runs once). Values of enclosing frames are read
 * through `parent`: a loop-invariant value is visible in every iteration without a copy.
 */
class Scope {
  readonly values = new Map<number, Value>();
  /** Whether each step that ran here was live (a dead step's control dependents are dead too). */
  readonly live = new Map<number, boolean>();
  constructor(readonly parent: Scope | null) {}

  get(slot: number): Value | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const v = s.values.get(slot);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  ran(step: number): boolean {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const v = s.live.get(step);
      if (v !== undefined) return v;
    }
    // a control input that is not a step of any enclosing scope (a host-only variable) counts as run
    return true;
  }
}

/** What one loop iteration passes on: NextIteration values by Merge step, and Exits' live values. */
interface Iteration {
  readonly index: number;
  readonly previous: ReadonlyMap<number, Value> | null;
  readonly next: Map<number, Value>;
  readonly exits: Map<number, DeviceBuffer>;
}

/**
 * Runs a plan with control flow as TF1's executor does, one iteration at a time: a Switch sends
 * its input to one output and a dead value to the other; a step with a dead input or a dead control
 * input is dead and does not run (so only the taken branch runs); a Merge forwards its first live
 * input and that input's index; a loop frame repeats its steps while any NextIteration receives a
 * live value, each iteration seeded by the Enters (and, after the first, by the back edges), and
 * hands each Exit's last live value to the enclosing frame. Variables, feeds and fetches behave as
 * in the straight-line executor (writes committed only when the run succeeds).
 */
export async function executeControlFlow(
  plan: Plan,
  cf: ControlFlowPlan,
  feeds: ReadonlyMap<number, NDArray>,
  state: SessionState,
  options: ExecuteOptions,
): Promise<{ fetched: NDArray[]; stats: StepStat[] }> {
  const backends = plan.devices.backends;
  const budget = new MemoryBudget(options.memoryLimitBytes ?? Infinity, options.device ?? backends[plan.devices.host].device);
  budget.pin(state.variables.values());
  budget.pin(feeds.values());
  budget.pin(plan.heldValues);
  const run = new RunVariables(plan, state);
  const variables = run.access;
  const isEnter = plan.steps.map((s) => s.node.type === 'Enter' || s.node.type === 'RefEnter');
  const copyOf = new Map<number, CopyStep>();
  for (const s of plan.steps) for (const c of s.copiesBefore) copyOf.set(c.dst, c);
  const stats: StepStat[] = [];
  const t0 = performance.now();
  const env: StepEnv = { backends, state, variables, budget, options, stats, t0 };
  // the while-loop gradients' stacks of this run, by handle
  const stacks = new Map<number, Value[]>();
  // executions this run, per stateful op: a random op in a loop draws a fresh stream each iteration
  const executions = new Map<string, number>();

  const read = async (slot: number, scope: Scope, step: PlanStep): Promise<Value> => {
    const v = scope.get(slot);
    if (v !== undefined) return v;
    const c = copyOf.get(slot);
    // a copy made in another frame's scope: make it again here
    if (c) return moveValue(c, scope, step);
    throw new InternalError(`Control-flow executor: no value in slot ${slot} for '${step.node.name}' (${step.node.type})`);
  };
  const moveValue = async (c: CopyStep, scope: Scope, step: PlanStep): Promise<Value> => {
    const src = await read(c.src, scope, step);
    const v = src === DEAD ? DEAD : await copy(src, backends[c.from], backends[c.to], step, c.src);
    scope.values.set(c.dst, v);
    return v;
  };
  const hostValue = async (v: DeviceBuffer, slot: number): Promise<NDArray> => {
    const b = backends[plan.slotDevice[slot]];
    return b.hostResident ? (v as NDArray) : b.read(v);
  };
  const setOutputs = (step: PlanStep, index: number, scope: Scope, outs: readonly Value[]): void => {
    step.outputSlots.forEach((s, i) => s >= 0 && scope.values.set(s, outs[i]));
    scope.live.set(index, !outs.some((o) => o === DEAD) || step.node.type === 'Switch' || step.node.type === 'RefSwitch');
  };
  const dead = (step: PlanStep, index: number, scope: Scope): void => {
    step.outputSlots.forEach((s) => s >= 0 && scope.values.set(s, DEAD));
    scope.live.set(index, false);
  };

  const runStep = async (index: number, scope: Scope, it: Iteration | null): Promise<void> => {
    const step = plan.steps[index];
    const type = step.node.type;
    for (const c of step.copiesBefore) await moveValue(c, scope, step);
    const inputs: Value[] = [];
    for (const inp of step.inputs) {
      // a ref input names its variable to the kernel (ctx.refName); it carries no buffer
      if (inp.kind === 'ref') inputs.push(null as unknown as DeviceBuffer);
      else inputs.push((inp.variable !== undefined ? refRead(step, inp.variable, env) : undefined) ?? (await read(inp.slot, scope, step)));
    }
    const controlDead = cf.controlSteps[index].some((c) => !scope.ran(c));
    switch (type) {
      case 'Merge':
      case 'RefMerge': {
        const back = cf.backEdges.get(index);
        if (back && it && it.index > 0) {
          const v = it.previous?.get(index) ?? DEAD;
          return setOutputs(step, index, scope, [v, v === DEAD ? DEAD : await intScalar(inputs.length, backends[step.device])]);
        }
        const k = inputs.findIndex((v) => v !== DEAD);
        if (k < 0) return dead(step, index, scope);
        return setOutputs(step, index, scope, [inputs[k], await intScalar(k, backends[step.device])]);
      }
      case 'ControlTrigger':
        return setOutputs(step, index, scope, []);
      default:
        break;
    }
    if (controlDead || inputs.some((v) => v === DEAD)) {
      if (type === 'NextIteration' || type === 'RefNextIteration') for (const m of cf.mergesFed.get(index) ?? []) it?.next.set(m, DEAD);
      return dead(step, index, scope);
    }
    switch (type) {
      case 'Switch':
      case 'RefSwitch': {
        const pred = await hostValue(inputs[1] as DeviceBuffer, (step.inputs[1] as { slot: number }).slot);
        const taken = pred.data[0] !== 0;
        return setOutputs(step, index, scope, taken ? [DEAD, inputs[0]] : [inputs[0], DEAD]);
      }
      case 'Exit':
      case 'RefExit':
        it?.exits.set(index, inputs[0] as DeviceBuffer);
        scope.live.set(index, true);
        return;
      case 'NextIteration':
      case 'RefNextIteration':
        for (const m of cf.mergesFed.get(index) ?? []) it?.next.set(m, inputs[0]);
        scope.live.set(index, true);
        return;
      case 'StackV2': {
        const id = stacks.size + 1;
        stacks.set(id, []);
        return setOutputs(step, index, scope, [await intScalar(id, backends[step.device])]);
      }
      case 'StackPushV2':
      case 'StackPopV2': {
        const h = await hostValue(inputs[0] as DeviceBuffer, (step.inputs[0] as { slot: number }).slot);
        const stack = stacks.get(h.data[0]);
        if (!stack) throw new InternalError(`'${step.node.name}' (${type}): no stack with handle ${h.data[0]} in this run`);
        if (type === 'StackPushV2') {
          stack.push(inputs[1]);
          return setOutputs(step, index, scope, [inputs[1]]);
        }
        const v = stack.pop();
        if (v === undefined) throw new InternalError(`'${step.node.name}' (${type}): the stack is empty (the backward loop ran more iterations than the forward one)`);
        return setOutputs(step, index, scope, [v]);
      }
      case 'LoopCond':
      case 'Enter':
      case 'RefEnter':
        return setOutputs(step, index, scope, [inputs[0]]);
      default:
        return setOutputs(step, index, scope, await dispatch(step, inputs as (DeviceBuffer | null)[]));
    }
  };

  const dispatch = (step: PlanStep, inputs: (DeviceBuffer | null)[]): Promise<DeviceBuffer[]> => {
    const name = step.node.name;
    const count = executions.get(name) ?? 0;
    if (step.def.stateful) executions.set(name, count + 1);
    return dispatchStep(step, inputs, (state.runCounters.get(name) ?? 0) + count, env);
  };

  const runItems = async (frame: Frame, scope: Scope, it: Iteration | null): Promise<void> => {
    for (const item of frame.items) {
      if (item.kind === 'frame') await runLoop(item.frame, scope);
      // a loop's Enters ran once, before its first iteration (runLoop)
      else if (!isEnter[item.step]) await runStep(item.step, scope, it);
    }
  };

  const runLoop = async (frame: Frame, outer: Scope): Promise<void> => {
    // the Enters read the enclosing scope once; their values seed every iteration
    const seeds = new Map<number, Value>();
    for (const e of frame.enters) {
      const step = plan.steps[e];
      for (const c of step.copiesBefore) await moveValue(c, outer, step);
      const inp = step.inputs[0];
      const v = inp.kind === 'slot' ? await read(inp.slot, outer, step) : DEAD;
      seeds.set(e, cf.controlSteps[e].some((c) => !outer.ran(c)) ? DEAD : v);
    }
    const lastLive = new Map<number, DeviceBuffer>();
    let previous: Map<number, Value> | null = null;
    for (let index = 0; ; index++) {
      const scope = new Scope(outer);
      for (const [e, v] of seeds) {
        for (const s of plan.steps[e].outputSlots) if (s >= 0) scope.values.set(s, v);
        scope.live.set(e, v !== DEAD);
      }
      const it: Iteration = { index, previous, next: new Map(), exits: lastLive };
      await runItems(frame, scope, it);
      if (![...it.next.values()].some((v) => v !== DEAD)) break;
      previous = it.next;
    }
    for (const x of frame.exits) {
      const v = lastLive.get(x) ?? DEAD;
      for (const s of plan.steps[x].outputSlots) if (s >= 0) outer.values.set(s, v);
      outer.live.set(x, v !== DEAD);
    }
  };

  try {
    await run.prepareDevices();
    const root = new Scope(null);
    for (const [s, v] of feeds) root.values.set(s, v);
    await runItems(cf.root, root, null);
    const fetched: NDArray[] = [];
    for (let i = 0; i < plan.fetchSlots.length; i++) {
      const s = plan.fetchSlots[i];
      const f = plan.program.fetches[i];
      const v = root.get(s) ?? (copyOf.has(s) ? await moveValue(copyOf.get(s)!, root, plan.steps[0]) : undefined);
      if (v === undefined) {
        throw new InvalidArgumentError(`Fetch '${f.node.name}:${f.index}' is computed inside a while loop; fetch the loop's results (its Exit values) instead`, { opName: f.node.name, opType: f.node.type });
      }
      if (v === DEAD) {
        throw new InvalidArgumentError(`Retval[${i}] does not have value: fetch '${f.node.name}:${f.index}' is on a branch of a cond that was not taken (a dead tensor)`, { opName: f.node.name, opType: f.node.type });
      }
      fetched.push(await hostValue(v, s));
    }
    run.commit();
    for (const [k, n] of executions) state.runCounters.set(k, (state.runCounters.get(k) ?? 0) + n);
    return { fetched: detachFetches(fetched, plan.heldBuffers, run.keptValues()), stats };
  } finally {
    run.finish();
  }
}

/** Merge's value_index, as a buffer of the Merge's device. */
async function intScalar(k: number, backend: Backend): Promise<DeviceBuffer> {
  const v = NDArray.scalar(k, 'int32');
  return backend.hostResident ? v : backend.upload(v);
}
