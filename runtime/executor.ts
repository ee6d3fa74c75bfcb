import {
  DataArray,
  formatShape,
  InternalError,
  InvalidArgumentError,
  NDArray,
  sizeOf,
  TensorGraphError,
} from '../graph/ir/index.js';
import type { InputSpec, KernelContext, ResolvedOutput, VariableAccess } from '../ops/op_def.js';
import type { Backend } from './backend.js';
import { detachFetches } from './detach.js';
import { MemoryBudget } from './memory_budget.js';
import type { Plan, PlanStep } from './plan.js';

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
}

export interface ExecuteOptions {
  trace?: boolean;
  checkNumerics?: boolean;
  /** Bytes the run may hold, variables and feeds included (default: no limit). */
  memoryLimitBytes?: number;
  /** The device named in OOM messages. */
  device?: string;
}

/**
 * Runs a plan. Variable writes go to a pending map that later steps of the same run read, and are
 * committed only when every step succeeded: a failed run leaves every variable as it was. What it
 * returns shares no memory with the session's state.
 */
export async function execute(
  plan: Plan,
  backend: Backend,
  feeds: ReadonlyMap<number, NDArray>,
  state: SessionState,
  options: ExecuteOptions = {},
): Promise<{ fetched: NDArray[]; stats: StepStat[] }> {
  const slots: (NDArray | undefined)[] = new Array(plan.numSlots);
  for (const [s, v] of feeds) slots[s] = v;
  const budget = new MemoryBudget(options.memoryLimitBytes ?? Infinity, options.device ?? backend.name);
  budget.pin(state.variables.values());
  budget.pin(feeds.values());
  budget.pin(plan.heldValues);
  const pending = new Map<string, NDArray>();
  const variables: VariableAccess = {
    read: (name) => pending.get(name) ?? state.variables.get(name),
    write: (name, value) => {
      pending.set(name, value);
    },
  };
  const stats: StepStat[] = [];
  const t0 = performance.now();
  const counters = new Map<string, number>();
  // buffers of dead intermediate values, by dtype and length, for steps the plan lets reuse them
  const pool = new Map<string, DataArray[]>();
  for (const step of plan.steps) {
    const inputs = step.inputs.map((inp) => {
      if (inp.kind === 'ref') return EMPTY;
      const v = slots[inp.slot];
      if (!v) throw new InternalError(`Executor: no value in slot ${inp.slot} for '${step.node.name}'`);
      return v;
    });
    const start = options.trace ? performance.now() : 0;
    let outs: NDArray[];
    try {
      const resolved = resolveOutputs(step, inputs);
      const out = outBuffer(step, inputs, resolved, pool);
      budget.beforeStep(step, inputs, resolved, out !== undefined);
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
      const r = backend.runOp(step.def, inputs, step.node.attrs, resolved, ctx, out);
      outs = r instanceof Promise ? await r : r;
      checkOutputs(step, outs, resolved);
      if (options.checkNumerics) checkFinite(step, outs);
    } catch (e) {
      throw annotateRunError(e, step, inputs);
    }
    if (step.def.stateful) counters.set(step.node.name, (state.runCounters.get(step.node.name) ?? 0) + 1);
    step.outputSlots.forEach((s, i) => {
      if (s < 0) return;
      slots[s] = outs[i];
      budget.hold(outs[i]);
    });
    for (const s of step.recycle) {
      const d = slots[s]!.data;
      const k = `${slots[s]!.dtype}:${d.length}`;
      const list = pool.get(k);
      if (list) list.push(d);
      else pool.set(k, [d]);
    }
    for (const s of step.release) {
      budget.release(slots[s]!);
      slots[s] = undefined;
    }
    budget.afterStep(step, outs);
    if (options.trace) {
      const end = performance.now();
      stats.push({
        nodeName: step.node.name,
        opType: step.node.type,
        startMicros: Math.round((start - t0) * 1000),
        durationMicros: Math.round((end - start) * 1000),
        outputShapes: outs.map((o) => [...o.shape]),
        kernel: kernelName(backend.name, step),
      });
    }
  }
  const fetched = plan.fetchSlots.map((s, i) => {
    const v = slots[s];
    if (!v) throw new InternalError(`Executor: fetch ${plan.program.fetches[i].node.name}:${plan.program.fetches[i].index} produced no value`);
    return v;
  });
  for (const [k, v] of pending) state.variables.set(k, v);
  for (const [k, v] of counters) state.runCounters.set(k, v);
  return { fetched: detachFetches(fetched, plan.heldBuffers, state.variables.values()), stats };
}

const EMPTY = NDArray.zeros('float32', [0]);

/** How a trace names the kernel a step launched: fused kinds by their node type. */
function kernelName(backend: string, step: PlanStep): string {
  if (step.node.type === 'FusedElementwise') return `${backend}:fused_elementwise`;
  if (step.def.cpu.kind === 'elementwise') return `${backend}:elementwise`;
  return `${backend}:${step.node.type}`;
}

/** The buffer the plan lets this step write into: a dying input's (in place) or a pooled one. */
function outBuffer(step: PlanStep, inputs: readonly NDArray[], resolved: readonly ResolvedOutput[], pool: Map<string, DataArray[]>): DataArray | undefined {
  if (resolved.length !== 1 || resolved[0].unknownRank || resolved[0].shape.some((d) => d < 0)) return undefined;
  const size = sizeOf(resolved[0].shape);
  if (step.inPlace >= 0) {
    const x = inputs[step.inPlace];
    return x.dtype === resolved[0].dtype && x.data.length === size ? x.data : undefined;
  }
  if (step.pooledOutput) return pool.get(`${resolved[0].dtype}:${size}`)?.pop();
  return undefined;
}

/** Runs the op's inference on the actual inputs: kernels get fully known output types. */
function resolveOutputs(step: PlanStep, inputs: readonly NDArray[]): ResolvedOutput[] {
  const specs: InputSpec[] = step.inputs.map((inp, i) =>
    inp.kind === 'ref'
      ? { dtype: inp.value.dtype, shape: inp.value.shape, value: null }
      : { dtype: inputs[i].dtype, shape: inputs[i].shape, value: inputs[i] },
  );
  const outs = step.def.infer(specs, step.node.attrs, { opName: step.node.name, opType: step.node.type });
  return outs.map((o, i) => {
    if (o.shape === null || o.shape.some((d) => d === null)) {
      // data-dependent shapes: the kernel decides (-1 dims; rank -1 when even the rank is open)
      const s = o.shape ?? step.node.outputs[i].shape;
      return { dtype: o.dtype, shape: s === null ? [-1] : s.map((d) => d ?? -1), unknownRank: s === null };
    }
    return { dtype: o.dtype, shape: o.shape as number[] };
  });
}

function checkOutputs(step: PlanStep, outs: readonly NDArray[], resolved: readonly ResolvedOutput[]): void {
  if (outs.length !== step.node.outputs.length) {
    throw new InternalError(`Kernel for '${step.node.name}' (${step.node.type}) returned ${outs.length} outputs, expected ${step.node.outputs.length}`);
  }
  outs.forEach((o, i) => {
    const r = resolved[i];
    const shapeOk = r.unknownRank === true || (r.shape.length === o.shape.length && r.shape.every((d, k) => d === -1 || d === o.shape[k]));
    if (o.dtype !== r.dtype || !shapeOk) {
      throw new InternalError(`Kernel for '${step.node.name}' (${step.node.type}) returned ${o.dtype}${formatShape(o.shape)} for output ${i}, inference said ${r.dtype}${formatShape(r.shape)}`);
    }
  });
}

function checkFinite(step: PlanStep, outs: readonly NDArray[]): void {
  for (const o of outs) {
    if (o.dtype !== 'float32') continue;
    const d = o.data;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) {
        throw new InvalidArgumentError(`Tensor had ${Number.isNaN(d[i]) ? 'NaN' : 'Inf'} values (first at flat index ${i}) in output of '${step.node.name}'`);
      }
    }
  }
}

/** Adds the op, its type and its input shapes to an error raised while running it. */
function annotateRunError(e: unknown, step: PlanStep, inputs: readonly NDArray[]): unknown {
  const shapes = step.inputs
    .map((inp, i) => (inp.kind === 'ref' ? `ref(${inp.variable})` : formatShape(inputs[i].shape)))
    .join(', ');
  const where = ` [[node ${step.node.name} (${step.node.type}) with input shapes: ${shapes}]]`;
  const ctx = { opName: step.node.name, opType: step.node.type, traceback: step.node.traceback };
  if (e instanceof TensorGraphError) {
    if (e.opName) return e;
    const Ctor = e.constructor as new (m: string, c: typeof ctx) => TensorGraphError;
    return new Ctor(e.message + where, ctx);
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new InternalError(`${msg}${where}`, ctx);
}

