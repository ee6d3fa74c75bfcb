import { BYTES_PER_ELEMENT, isFullyDefined, sizeOf } from '../graph/ir/index.js';
import type { ProgramNode, ProgramValue } from '../graph/passes/program.js';
import type { OpDef } from '../ops/op_def.js';
import { UPDATE_OPS } from '../graph/passes/group_updates.js';

/** What the memory planner decided, per step, and its estimate of the peak it saves. */
export interface MemoryPlan {
  readonly enabled: boolean;
  readonly inPlace: readonly number[];
  readonly recycle: readonly (readonly number[])[];
  readonly pooledOutput: readonly boolean[];
  /** Whether the step's one output is owned: it dies within the run, unseen outside it. */
  readonly ownedOutput: readonly boolean[];
  /** Peak bytes of live intermediate values (plus pooled buffers) with this plan. */
  readonly peakBytes: number;
  /** The same peak when every step allocates and nothing is reused (values still freed at last use). */
  readonly unplannedPeakBytes: number;
  /** With no planning at all: no liveness either, so every intermediate lives to the end of the run. */
  readonly noLivenessPeakBytes: number;
  readonly reusedBuffers: number;
  readonly inPlaceSteps: number;
}

interface StepView {
  readonly node: ProgramNode;
  readonly def: OpDef;
  readonly inputs: readonly ({ kind: 'slot'; slot: number } | { kind: 'ref' })[];
  readonly outputSlots: readonly number[];
  readonly release: readonly number[];
}

/**
 * Kernels that always return a fresh buffer and keep no reference to their inputs: the generated
 * elementwise loops, the fused nodes built on them, the matrix products, Conv2D and MaxPool. Only
 * their outputs are ever reused, and only when every reader is such a kernel too, so no other value
 * (a variable, a constant's attr, a fetch, a feed, a view made by Reshape) can share the buffer that
 * gets overwritten.
 */
export function ownsBuffers(node: ProgramNode): boolean {
  return node.def.lowering.kind === 'elementwise' || FRESH_ROUTINES.has(node.type);
}

// Conv2D (either layout), `_FusedConv2D` (its epilogue writes the conv's fresh result) and MaxPool
// return a new array on every path, on the CPU and WebGPU kernels alike
const FRESH_ROUTINES = new Set(['FusedElementwise', '_FusedMatMul', 'MatMul', 'BatchMatMulV2', 'Conv2D', '_FusedConv2D', 'MaxPool']);

/**
 * Readers that keep no reference to their inputs either, though their outputs are no fresh buffers
 * to reuse: the shape queries (they read only the shape) and the dense optimizer updates (they read
 * the gradient and return variables' new values).
 */
function readsOnly(node: ProgramNode): boolean {
  return ownsBuffers(node) || SHAPE_QUERIES.has(node.type) || UPDATE_OPS.has(node.type) || node.type === '_GroupedApply';
}

const SHAPE_QUERIES = new Set(['Shape', 'Size', 'Rank']);

/** Elementwise steps, whose output may be written into an input's buffer or a pooled one. */
function acceptsOutBuffer(node: ProgramNode): boolean {
  return node.def.lowering.kind === 'elementwise' || node.type === 'FusedElementwise';
}

function bytesOf(v: ProgramValue): number | null {
  return isFullyDefined(v.shape) ? sizeOf(v.shape) * BYTES_PER_ELEMENT[v.dtype] : null;
}

export function planMemory(
  steps: readonly StepView[],
  numSlots: number,
  slotOf: ReadonlyMap<ProgramValue, number>,
  keep: ReadonlySet<number>,
  enabled: boolean,
): MemoryPlan {
  const valueOfSlot: (ProgramValue | undefined)[] = new Array(numSlots);
  for (const [v, s] of slotOf) valueOfSlot[s] = v;
  const producer: (number | undefined)[] = new Array(numSlots);
  steps.forEach((st, i) => st.outputSlots.forEach((s) => s >= 0 && (producer[s] = i)));
  const readers: number[][] = Array.from({ length: numSlots }, () => []);
  steps.forEach((st, i) => st.inputs.forEach((inp) => inp.kind === 'slot' && readers[inp.slot].push(i)));

  const owned = (s: number): boolean => {
    const p = producer[s];
    if (p === undefined || keep.has(s)) return false;
    if (!ownsBuffers(steps[p].node)) return false;
    return readers[s].every((r) => readsOnly(steps[r].node));
  };

  const inPlace = steps.map(() => -1);
  const recycle: number[][] = steps.map(() => []);
  const pooledOutput = steps.map(() => false);
  if (enabled) {
    steps.forEach((st, i) => {
      const out = st.outputSlots[0];
      const canTake = acceptsOutBuffer(st.node) && st.outputSlots.length === 1 && out >= 0;
      const outValue = st.node.outputs[0];
      const transferred = new Set<number>();
      if (canTake && isFullyDefined(outValue.shape)) {
        const j = st.inputs.findIndex((inp) => {
          if (inp.kind !== 'slot' || !st.release.includes(inp.slot) || !owned(inp.slot)) return false;
          const v = valueOfSlot[inp.slot]!;
          return v.dtype === outValue.dtype && isFullyDefined(v.shape) && v.shape.length === outValue.shape!.length && v.shape.every((d, k) => d === outValue.shape![k]);
        });
        if (j >= 0) {
          inPlace[i] = j;
          transferred.add((st.inputs[j] as { slot: number }).slot);
        }
      }
      pooledOutput[i] = canTake && inPlace[i] < 0;
      recycle[i] = st.release.filter((s) => owned(s) && !transferred.has(s));
    });
  }
  const peaks = estimatePeaks(steps, valueOfSlot, inPlace, recycle, pooledOutput);
  return {
    enabled,
    inPlace,
    recycle,
    pooledOutput,
    ownedOutput: steps.map((st) => enabled && st.outputSlots.length === 1 && st.outputSlots[0] >= 0 && owned(st.outputSlots[0])),
    peakBytes: enabled ? peaks.planned : peaks.unplanned,
    unplannedPeakBytes: peaks.unplanned,
    noLivenessPeakBytes: peaks.noLiveness,
    reusedBuffers: peaks.reused,
    inPlaceSteps: inPlace.filter((j) => j >= 0).length,
  };
}

/** Simulates a run over static sizes: live slot bytes, plus the pool's bytes when planning. */
function estimatePeaks(
  steps: readonly StepView[],
  valueOfSlot: readonly (ProgramValue | undefined)[],
  inPlace: readonly number[],
  recycle: readonly (readonly number[])[],
  pooledOutput: readonly boolean[],
): { planned: number; unplanned: number; noLiveness: number; reused: number } {
  const size = (s: number): number => (valueOfSlot[s] ? bytesOf(valueOfSlot[s]!) ?? 0 : 0);
  const key = (s: number): string => `${valueOfSlot[s]?.dtype}:${size(s)}`;
  let live = 0;
  let peakU = 0;
  let total = 0;
  for (const st of steps) for (const s of st.outputSlots) if (s >= 0) total += size(s);
  for (const st of steps) {
    for (const s of st.outputSlots) if (s >= 0) live += size(s);
    peakU = Math.max(peakU, live);
    for (const s of st.release) live -= size(s);
  }
  live = 0;
  let pooled = 0;
  let peakP = 0;
  let reused = 0;
  const pool = new Map<string, number>();
  steps.forEach((st, i) => {
    st.outputSlots.forEach((s) => {
      if (s < 0) return;
      if (inPlace[i] >= 0) return; // shares its input's bytes, already live
      const k = key(s);
      if (pooledOutput[i] && (pool.get(k) ?? 0) > 0) {
        pool.set(k, pool.get(k)! - 1);
        pooled -= size(s);
        reused++;
      }
      live += size(s);
    });
    peakP = Math.max(peakP, live + pooled);
    for (const s of st.release) {
      if (inPlace[i] >= 0 && (st.inputs[inPlace[i]] as { slot: number }).slot === s) continue; // bytes now belong to the output
      live -= size(s);
      if (recycle[i].includes(s)) {
        pool.set(key(s), (pool.get(key(s)) ?? 0) + 1);
        pooled += size(s);
      }
    }
  });
  return { planned: peakP, unplanned: peakU, noLiveness: total, reused };
}
