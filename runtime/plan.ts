import { InvalidArgumentError, isFullyDefined, NDArray, Tensor } from '../graph/ir/index.js';
import { constValue, Program, ProgramNode, ProgramValue } from '../graph/passes/program.js';
import type { InputSpec, OpDef, ResolvedOutput } from '../ops/op_def.js';
import { REF_VARIABLE_TYPES, variableSource, VARIABLE_OP_TYPES } from '../ops/state/variable_source.js';
import { hostInputMask } from './host_inputs.js';
import { MemoryPlan, planMemory } from './memory_plan.js';
import { DeviceSet, PlacementEntry, placeNodes, PlacementOptions } from './placement.js';
import { analyzeFrames, ControlFlowPlan } from './control_flow/frames.js';
import { CONTROL_FLOW_TYPES } from '../ops/control/control_flow.js';

/** Where a step's input comes from: a value slot, or a variable named by a ref input. */
/**
 * A step input: a value slot, or a variable ref (Assign and Apply ops). A slot that holds a
 * VariableV2's output names the variable: as TF1's refs, its reader takes the variable's value
 * when it runs (this run's writes included), not when VariableV2 ran; on a device that keeps
 * variables (WebGPU) that value is the device's (DeviceVariables.valueFor).
 */
export type InputRef = { kind: 'slot'; slot: number; variable?: string } | { kind: 'ref'; variable: string; value: ProgramValue };

/** An explicit move of a value between devices (through the host), run before the step needing it. */
export interface CopyStep {
  readonly value: ProgramValue;
  readonly from: number;
  readonly to: number;
  readonly src: number;
  readonly dst: number;
}

export interface PlanStep {
  readonly node: ProgramNode;
  readonly def: OpDef;
  readonly inputs: readonly InputRef[];
  /** Slot for each output, or -1 when the output is unused. */
  readonly outputSlots: readonly number[];
  /** Slots whose last reader is this step (or a copy before it): freed after it runs. */
  readonly release: readonly number[];
  /** Input index whose buffer the (elementwise) output may overwrite, or -1. */
  readonly inPlace: number;
  /** Released slots whose buffers nothing else holds: returned to their backend for reuse. */
  readonly recycle: readonly number[];
  /** Whether this step's output may take a pooled buffer. */
  readonly pooledOutput: boolean;
  /**
   * Whether its one output dies within the run unseen outside it (every reader makes a fresh
   * output; not fetched or kept): its buffer may be one the backend takes back when the run ends.
   */
  readonly ownedOutput: boolean;
  /** Index into `Plan.devices`. */
  readonly device: number;
  /** The kernel its backend chose at plan time. */
  readonly kernel: string;
  /** Host-memory flag per input, or null when the op has none. */
  readonly hostMask: readonly boolean[] | null;
  /**
   * Output types known once per plan (every dim static and every host-memory input a constant),
   * or null: inference then runs on the step's input types and host-memory values.
   */
  readonly resolved: readonly ResolvedOutput[] | null;
  /** Copies that bring this step's inputs to its device (or to the host) first. */
  readonly copiesBefore: readonly CopyStep[];
}

/**
 * An executable form of a Program: ordered steps over numbered value slots, each slot on one
 * device, with the last use of every slot known so values are dropped as soon as nothing needs
 * them, and (with memory planning) which buffers are reused or overwritten in place.
 */
export interface Plan {
  readonly program: Program;
  readonly steps: readonly PlanStep[];
  readonly numSlots: number;
  /** Feeds are host values: their slots are on the host device. */
  readonly feedSlots: ReadonlyMap<Tensor, number>;
  readonly fetchSlots: readonly number[];
  /** Variables read as values by the plan (must be initialized unless also assigned in it). */
  readonly variableReads: readonly ProgramNode[];
  /** Variables written by the plan. */
  readonly variableWrites: ReadonlySet<string>;
  readonly placeholders: readonly ProgramNode[];
  readonly memory: MemoryPlan;
  readonly devices: DeviceSet;
  /** The device of each slot. */
  readonly slotDevice: readonly number[];
  /** Every step and copy with its device, in run order. */
  readonly placement: readonly PlacementEntry[];
  /** Values the plan itself holds (Const values, folded or not). */
  readonly heldValues: readonly NDArray[];
  /** Their buffers: never handed out by a run. */
  readonly heldBuffers: ReadonlySet<object>;
  /**
   * Frames of a plan with control flow (Switch, Merge, loops): the executor then schedules it as
   * dataflow with dead values and iterations (runtime/control_flow/). Null for straight-line plans.
   */
  readonly controlFlow?: ControlFlowPlan | null;
}

export interface PlanOptions extends PlacementOptions {
  readonly devices: DeviceSet;
  /** Buffer reuse and in-place execution (the 'memory' pass). */
  readonly planMemory?: boolean;
}

export function buildPlan(program: Program, options: PlanOptions): Plan {
  const { devices } = options;
  const placed = placeNodes(program, devices, options);
  const slotOf = new Map<ProgramValue, number>();
  const slotDevice: number[] = [];
  const slot = (v: ProgramValue, device: number): number => {
    let s = slotOf.get(v);
    if (s === undefined) {
      s = slotDevice.push(device) - 1;
      slotOf.set(v, s);
    }
    return s;
  };
  const feedSlots = new Map<Tensor, number>();
  for (const f of program.feeds) feedSlots.set(f.tensor, slot(f.value, devices.host));

  // Which values are read as values (not only as refs) by someone in the program.
  const valueRead = new Set<ProgramValue>(program.fetches);
  const handleIdentity = (n: ProgramNode): boolean => n.type === 'Identity' && n.outputs[0].dtype === 'resource';
  for (const n of program.nodes) {
    if (handleIdentity(n)) continue;
    n.inputs.forEach((v, i) => {
      if (!n.def.refInputs?.includes(i)) valueRead.add(v);
    });
  }
  // an Identity passing a handle on reads it as a value only when its own output is read so
  for (let k = program.nodes.length - 1; k >= 0; k--) {
    const n = program.nodes[k];
    if (handleIdentity(n) && valueRead.has(n.outputs[0])) valueRead.add(n.inputs[0]);
  }
  // a value's copy on another device, made once, before its first reader there
  const copies = new Map<string, number>();

  type Draft = Omit<PlanStep, 'release' | 'inPlace' | 'recycle' | 'pooledOutput' | 'ownedOutput'>;
  const steps: Draft[] = [];
  const variableReads: ProgramNode[] = [];
  const variableWrites = new Set<string>();
  const placeholders: ProgramNode[] = [];
  const entries: PlacementEntry[] = [];
  for (const n of program.nodes) {
    if (n.type === 'Placeholder') {
      placeholders.push(n);
      continue; // never executed; validated against the feeds before the run
    }
    // used only as a ref or a handle (an unread handle's Identity has nothing to compute either)
    if ((VARIABLE_OP_TYPES.has(n.type) || handleIdentity(n)) && !valueRead.has(n.outputs[0])) continue;
    if (REF_VARIABLE_TYPES.has(n.type)) variableReads.push(n);
    const p = placed.get(n)!;
    const hostMask = n.def.hostInputs ? hostInputMask(n.def, n.inputs.length) : null;
    const copiesBefore: CopyStep[] = [];
    const inputs: InputRef[] = n.inputs.map((v, i) => {
      if (n.def.refInputs?.includes(i)) {
        const source = variableSource(v.node);
        if (!source) {
          throw new InvalidArgumentError(`Input ${i} of '${n.name}' (${n.type}) must be a variable ref or handle, but ${v.node.name}:${v.index} is produced by a ${v.node.type} op`, {
            opName: n.name,
            opType: n.type,
            traceback: n.traceback,
          });
        }
        variableWrites.add(source.name);
        return { kind: 'ref', variable: source.name, value: v };
      }
      // an unfed Placeholder's value has no producer step: its slot is a host slot (validation rejects the run)
      const src = slot(v, devices.host);
      const want = hostMask?.[i] ? devices.host : p.device;
      const from = slotDevice[src];
      if (from === want) {
        return REF_VARIABLE_TYPES.has(v.node.type) ? { kind: 'slot', slot: src, variable: v.node.name } : { kind: 'slot', slot: src };
      }
      const key = `${src}>${want}`;
      let dst = copies.get(key);
      if (dst === undefined) {
        dst = slotDevice.push(want) - 1;
        copies.set(key, dst);
        copiesBefore.push({ value: v, from, to: want, src, dst });
        entries.push({ name: `${v.node.type === '_Feed' ? v.node.name : `${v.node.name}:${v.index}`}/_copy`, type: '_Copy', device: devices.backends[want].device, from: devices.backends[from].device });
      }
      return { kind: 'slot', slot: dst };
    });
    const outputSlots = n.outputs.map((v) => (valueRead.has(v) ? slot(v, p.device) : -1));
    steps.push({ node: n, def: n.def, inputs, outputSlots, device: p.device, kernel: p.kernel, hostMask, resolved: staticOutputs(n, hostMask), copiesBefore });
    entries.push({ name: n.name, type: n.type, device: devices.backends[p.device].device, kernel: p.kernel, ...(p.softPlaced ? { softPlaced: p.softPlaced } : {}) });
  }
  const fetchSlots = program.fetches.map((v) => slot(v, devices.host));
  const numSlots = slotDevice.length;

  // last reader of each slot (a copy reads at the step it precedes); fetched and fed slots are kept to the end
  const keep = new Set<number>([...fetchSlots, ...feedSlots.values()]);
  const lastUse = new Map<number, number>();
  steps.forEach((s, i) => {
    for (const c of s.copiesBefore) lastUse.set(c.src, i);
    for (const inp of s.inputs) if (inp.kind === 'slot') lastUse.set(inp.slot, i);
  });
  const release: number[][] = steps.map(() => []);
  for (const [s, i] of lastUse) if (!keep.has(s)) release[i].push(s);
  const withRelease = steps.map((s, i) => ({ ...s, release: release[i] }));
  // Buffer reuse assumes each step runs once, in order; in a loop a value is made every iteration
  // and the untaken side of a cond never is, so plans with control flow keep every buffer apart.
  const controlFlow = program.nodes.some((n) => CONTROL_FLOW_TYPES.has(n.type));
  const memory = planMemory(withRelease, numSlots, slotOf, keep, !controlFlow && (options.planMemory ?? true));
  const finalSteps: PlanStep[] = withRelease.map((s, i) => ({ ...s, inPlace: memory.inPlace[i], recycle: memory.recycle[i], pooledOutput: memory.pooledOutput[i], ownedOutput: memory.ownedOutput[i] }));
  const heldValues: NDArray[] = [];
  for (const s of finalSteps) for (const a of Object.values(s.node.attrs)) if (a instanceof NDArray) heldValues.push(a);
  const heldBuffers = new Set<object>(heldValues.map((v) => v.storage));
  const frames = controlFlow ? analyzeFrames(finalSteps, numSlots) : null;
  return { program, steps: finalSteps, numSlots, feedSlots, fetchSlots, variableReads, variableWrites, placeholders, memory, devices, slotDevice, placement: entries, heldValues, heldBuffers, controlFlow: frames };
}

/**
 * A node's output types when the plan can know them: inference run once here, on static input
 * shapes and constant host-memory inputs, gives every dim. Otherwise (or when inference rejects
 * the static types, an error the run must report with the op) it runs per step at run time.
 */
function staticOutputs(n: ProgramNode, hostMask: readonly boolean[] | null): ResolvedOutput[] | null {
  if (n.def.stateful) return null;
  const specs: InputSpec[] = [];
  for (let i = 0; i < n.inputs.length; i++) {
    const v = n.inputs[i];
    if (!isFullyDefined(v.shape) && !n.def.refInputs?.includes(i)) return null;
    const value = hostMask?.[i] ? constValue(v) : null;
    if (hostMask?.[i] && value === null) return null;
    specs.push({ dtype: v.dtype, shape: v.shape, value });
  }
  return fullyKnownOutputs(n, specs);
}

/**
 * The node's output types from its inference on `specs`, when that gives every dim of every
 * output; null otherwise, or when inference rejects the types (the run reports that, with the op).
 * The plan and precompile (which follows types further) both ask it.
 */
export function fullyKnownOutputs(n: ProgramNode, specs: readonly InputSpec[]): ResolvedOutput[] | null {
  try {
    const outs = n.def.infer(specs, n.attrs, { opName: n.name, opType: n.type });
    if (outs.length !== n.outputs.length || !outs.every((o) => isFullyDefined(o.shape))) return null;
    return outs.map((o) => ({ dtype: o.dtype, shape: o.shape as number[] }));
  } catch {
    return null;
  }
}
