import { InvalidArgumentError, NDArray, Tensor } from '../graph/ir/index.js';
import type { Program, ProgramNode, ProgramValue } from '../graph/passes/program.js';
import type { OpDef } from '../ops/op_def.js';
import { MemoryPlan, planMemory } from './memory_plan.js';

/** Where a step's input comes from: a value slot, or a variable named by a ref input. */
export type InputRef = { kind: 'slot'; slot: number } | { kind: 'ref'; variable: string; value: ProgramValue };

export interface PlanStep {
  readonly node: ProgramNode;
  readonly def: OpDef;
  readonly inputs: readonly InputRef[];
  /** Slot for each output, or -1 when the output is unused. */
  readonly outputSlots: readonly number[];
  /** Slots whose last reader is this step: freed after it runs. */
  readonly release: readonly number[];
  /** Input index whose buffer the (elementwise) output may overwrite, or -1. */
  readonly inPlace: number;
  /** Released slots whose buffers nothing else holds: returned to the run's pool for reuse. */
  readonly recycle: readonly number[];
  /** Whether this step's output may take a pooled buffer. */
  readonly pooledOutput: boolean;
}

/**
 * An executable form of a Program: ordered steps over numbered value slots, with the last use of
 * every slot known so values are dropped as soon as nothing needs them, and (with memory planning)
 * which buffers are reused or overwritten in place.
 */
export interface Plan {
  readonly program: Program;
  readonly steps: readonly PlanStep[];
  readonly numSlots: number;
  readonly feedSlots: ReadonlyMap<Tensor, number>;
  readonly fetchSlots: readonly number[];
  /** Variables read as values by the plan (must be initialized unless also assigned in it). */
  readonly variableReads: readonly ProgramNode[];
  /** Variables written by the plan. */
  readonly variableWrites: ReadonlySet<string>;
  readonly placeholders: readonly ProgramNode[];
  readonly memory: MemoryPlan;
  /** Values the plan itself holds (Const values, folded or not). */
  readonly heldValues: readonly NDArray[];
  /** Their buffers: never handed out by a run. */
  readonly heldBuffers: ReadonlySet<ArrayBufferLike>;
}

export interface PlanOptions {
  /** Buffer reuse and in-place execution (the 'memory' pass). */
  readonly planMemory?: boolean;
}

export function buildPlan(program: Program, options: PlanOptions = {}): Plan {
  const slotOf = new Map<ProgramValue, number>();
  let numSlots = 0;
  const slot = (v: ProgramValue): number => {
    let s = slotOf.get(v);
    if (s === undefined) {
      s = numSlots++;
      slotOf.set(v, s);
    }
    return s;
  };
  const feedSlots = new Map<Tensor, number>();
  for (const f of program.feeds) feedSlots.set(f.tensor, slot(f.value));

  // Which values are read as values (not only as refs) by someone in the program.
  const valueRead = new Set<ProgramValue>(program.fetches);
  for (const n of program.nodes) {
    n.inputs.forEach((v, i) => {
      if (!n.def.refInputs?.includes(i)) valueRead.add(v);
    });
  }

  const steps: Omit<PlanStep, 'release' | 'inPlace' | 'recycle' | 'pooledOutput'>[] = [];
  const variableReads: ProgramNode[] = [];
  const variableWrites = new Set<string>();
  const placeholders: ProgramNode[] = [];
  for (const n of program.nodes) {
    if (n.type === 'Placeholder') {
      placeholders.push(n);
      continue; // never executed; validated against the feeds before the run
    }
    if (n.type === 'VariableV2' && !valueRead.has(n.outputs[0])) continue; // used only as a ref
    if (n.type === 'VariableV2') variableReads.push(n);
    const inputs: InputRef[] = n.inputs.map((v, i) => {
      if (n.def.refInputs?.includes(i)) {
        if (v.node.type !== 'VariableV2') {
          throw new InvalidArgumentError(`Input ${i} of '${n.name}' (${n.type}) must be a variable ref, but ${v.node.name}:${v.index} is produced by a ${v.node.type} op`, {
            opName: n.name,
            opType: n.type,
            traceback: n.traceback,
          });
        }
        variableWrites.add(v.node.name);
        return { kind: 'ref', variable: v.node.name, value: v };
      }
      return { kind: 'slot', slot: slot(v) };
    });
    const outputSlots = n.outputs.map((v) => (valueRead.has(v) ? slot(v) : -1));
    steps.push({ node: n, def: n.def, inputs, outputSlots });
  }
  const fetchSlots = program.fetches.map(slot);

  // last reader of each slot; fetched and fed slots are kept to the end
  const keep = new Set<number>([...fetchSlots, ...feedSlots.values()]);
  const lastUse = new Map<number, number>();
  steps.forEach((s, i) => {
    for (const inp of s.inputs) if (inp.kind === 'slot') lastUse.set(inp.slot, i);
  });
  const release: number[][] = steps.map(() => []);
  for (const [s, i] of lastUse) if (!keep.has(s)) release[i].push(s);
  const withRelease = steps.map((s, i) => ({ ...s, release: release[i] }));
  const memory = planMemory(withRelease, numSlots, slotOf, keep, options.planMemory ?? true);
  const finalSteps: PlanStep[] = withRelease.map((s, i) => ({ ...s, inPlace: memory.inPlace[i], recycle: memory.recycle[i], pooledOutput: memory.pooledOutput[i] }));
  const heldValues: NDArray[] = [];
  for (const s of finalSteps) for (const a of Object.values(s.node.attrs)) if (a instanceof NDArray) heldValues.push(a);
  const heldBuffers = new Set(heldValues.map((v) => v.data.buffer));
  return { program, steps: finalSteps, numSlots, feedSlots, fetchSlots, variableReads, variableWrites, placeholders, memory, heldValues, heldBuffers };
}
