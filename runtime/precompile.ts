import { DType, InternalError, isFullyDefined, NDArray } from '../graph/ir/index.js';
import { constValue, ProgramValue } from '../graph/passes/program.js';
import type { InputSpec, KernelContext, ResolvedOutput } from '../ops/op_def.js';
import type { PrecompileReport, StaticStep, StaticType } from './backend.js';
import { CpuBackend } from './cpu/cpu_backend.js';
import { fullyKnownOutputs } from './plan.js';
import type { Plan, PlanStep } from './plan.js';

/** Host values worked out ahead are shape arithmetic: small by nature. */
const MAX_HOST_VALUE_ELEMENTS = 64;
/** Made on first use: a session that never precompiles never builds it. */
let cpu: CpuBackend | null = null;

interface Known {
  readonly type: StaticType;
  /** The value, when it follows from types alone (a Shape of a known shape) or from such values. */
  readonly value: NDArray | null;
}

/**
 * The steps of `plan` on device `device` whose every type is known before a run, as a backend's
 * `precompile` takes them; `unknown` counts the others, whose kernels are built when they first
 * launch. Types are followed through the plan in run order with each op's own inference: a plan
 * is built for given feed shapes, so gradient shape arithmetic (Shape, then Fill, Reshape,
 * BroadcastTo of it) is known too, though the program keeps those dims as unknown. What only the
 * data decides (a fed shape value, a Where) stays unknown.
 */
export function staticSteps(plan: Plan, device: number): { steps: StaticStep[]; unknown: number } {
  const known = new Map<ProgramValue, Known>();
  const steps: StaticStep[] = [];
  let unknown = 0;
  for (const step of plan.steps) {
    const s = staticStep(step, known);
    if (step.device !== device) continue;
    if (s) steps.push(s);
    else unknown++;
  }
  return { steps, unknown };
}

function knownOf(v: ProgramValue, known: ReadonlyMap<ProgramValue, Known>): Known | null {
  const k = known.get(v);
  if (k) return k;
  if (!isFullyDefined(v.shape)) return null;
  return { type: { dtype: v.dtype, shape: v.shape as number[] }, value: constValue(v) };
}

function staticStep(step: PlanStep, known: Map<ProgramValue, Known>): StaticStep | null {
  const n = step.node;
  const inputs: StaticType[] = [];
  const refs: (string | null)[] = [];
  const host: (NDArray | null)[] = [];
  const specs: InputSpec[] = [];
  for (let i = 0; i < n.inputs.length; i++) {
    const r = step.inputs[i];
    const k = knownOf(n.inputs[i], known);
    // a resource handle's type is not its variable's: such a step waits for its first launch
    if (!k || k.type.dtype === 'resource') return null;
    if (step.hostMask?.[i] && k.value === null) return null;
    inputs.push(k.type);
    refs.push(r.kind === 'ref' ? r.variable : null);
    host.push(step.hostMask?.[i] ? k.value : null);
    specs.push({ dtype: k.type.dtype, shape: [...k.type.shape], value: k.value });
  }
  let outputs = inferOutputs(step, specs);
  // shape arithmetic whose result size depends on its values (BroadcastGradientArgs): evaluated
  const values = outputs ? valuesOf(step, specs, outputs) : evaluated(step, specs);
  outputs ??= values?.every((v) => v !== null) ? values.map((v) => ({ dtype: v!.dtype, shape: v!.shape })) : null;
  if (!outputs) return null;
  n.outputs.forEach((v, i) => known.set(v, { type: { dtype: outputs[i].dtype, shape: outputs[i].shape }, value: values?.[i] ?? null }));
  return { def: step.def, attrs: n.attrs, kernel: step.kernel, ctx: { opName: n.name, opType: n.type, traceback: n.traceback }, inputs, refs, host, outputs };
}

/** Output types from the op's inference on the known input types (stateful ops included: it is pure). */
function inferOutputs(step: PlanStep, specs: readonly InputSpec[]): ResolvedOutput[] | null {
  if (step.resolved) return [...step.resolved];
  return fullyKnownOutputs(step.node, specs);
}

/** Values that follow from types: Shape, Size and Rank of known shapes, and small stateless ops of known values. */
function valuesOf(step: PlanStep, specs: readonly InputSpec[], outputs: readonly ResolvedOutput[]): (NDArray | null)[] | null {
  const n = step.node;
  const x = specs[0]?.shape as number[] | undefined;
  const ints = (dtype: DType, shape: readonly number[], data: readonly number[]): NDArray => NDArray.from(new Int32Array(data), shape, dtype);
  if (n.type === 'Shape' && x) return [ints(outputs[0].dtype, [x.length], x)];
  if (n.type === 'Size' && x) return [ints(outputs[0].dtype, [], [x.reduce((a, b) => a * b, 1)])];
  if (n.type === 'Rank' && x) return [ints(outputs[0].dtype, [], [x.length])];
  return evaluated(step, specs);
}

/**
 * A stateless op of known small values, run on the CPU kernels as the run would (dims that only
 * the kernel knows, as BroadcastGradientArgs's, are -1 to it); null when it cannot be.
 */
function evaluated(step: PlanStep, specs: readonly InputSpec[]): NDArray[] | null {
  const n = step.node;
  if (n.def.stateful || n.controlInputs.length > 0 || specs.some((s) => s.value === null)) return null;
  try {
    const outs = n.def.infer(specs, n.attrs, { opName: n.name, opType: n.type });
    if (outs.some((o) => o.shape === null)) return null;
    const resolved = outs.map((o) => ({ dtype: o.dtype, shape: o.shape!.map((d) => d ?? -1) }));
    if (resolved.some((o) => o.shape.reduce((a, d) => a * Math.max(d, 1), 1) > MAX_HOST_VALUE_ELEMENTS)) return null;
    const ctx: KernelContext = {
      opName: n.name,
      opType: n.type,
      variables: { read: () => undefined, write: () => undefined, delete: () => undefined },
      refName: () => {
        throw new InternalError(`'${n.name}' (${n.type}) has no ref inputs ahead of a run`);
      },
      runCounter: 0,
      sessionSeed: 0,
    };
    cpu ??= new CpuBackend();
    const values = cpu.runOp(n.def, specs.map((x) => x.value!), n.attrs, resolved, ctx);
    return values.some((v) => v.size > MAX_HOST_VALUE_ELEMENTS) ? null : values;
  } catch {
    // the run reports what is wrong, with the op
    return null;
  }
}

/** Hands each device that builds kernels ahead (`Backend.precompile`) its static steps of `plan`. */
export async function precompilePlan(plan: Plan): Promise<PrecompileReport[]> {
  const reports: PrecompileReport[] = [];
  for (let d = 0; d < plan.devices.backends.length; d++) {
    const b = plan.devices.backends[d];
    if (!b.precompile) continue;
    const { steps, unknown } = staticSteps(plan, d);
    reports.push(await b.precompile(steps, unknown));
  }
  return reports;
}
