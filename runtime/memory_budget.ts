import { VARIABLE_OP_TYPES } from '../ops/state/variable_source.js';
import {
  BYTES_PER_ELEMENT,
  DType,
  formatShape,
  MAX_ELEMENTS,
  NDArray,
  ResourceExhaustedError,
  sizeOf,
} from '../graph/ir/index.js';
import type { ResolvedOutput } from '../ops/op_def.js';
import type { DeviceBuffer } from './backend.js';
import type { PlanStep } from './plan.js';

/** TF's names for dtypes in its OOM message ("type float"). */
const TF_TYPE: Readonly<Record<DType, string>> = { float32: 'float', int32: 'int32', int64: 'int64', bool: 'bool', resource: 'resource' , string: 'string' };

/**
 * The bytes one run holds, against the session's memory limit, checked before each step allocates
 * (output shapes are resolved before the kernel runs, so a `fill` of [50000, 40000] fails before a
 * byte is taken). Buffers (their whole ArrayBuffer) are counted once however many values view them (Reshape and Identity
 * share their input's buffer), from the step that makes them to the release of the last slot
 * holding them; what the session keeps (variables, feeds, the plan's constants) is pinned.
 */
export class MemoryBudget {
  private readonly refs = new Map<object, number>();
  private readonly pinned = new Set<object>();
  private live = 0;

  constructor(
    private readonly limitBytes: number,
    private readonly device: string,
  ) {}

  /** Counts values that stay for the whole run and beyond. */
  pin(values: Iterable<NDArray>): void {
    for (const v of values) {
      const b = v.storage;
      if (this.pinned.has(b)) continue;
      this.pinned.add(b);
      this.live += v.storageBytes;
    }
  }

  /**
   * Refuses a step whose known output shapes would not fit. Outputs that may be views of what the
   * step reads (same element count and storage as an input: Identity, Reshape, Assign) or of what
   * the session holds (a Const's value, a variable) are not counted here; `afterStep` counts them
   * for real. `reuses`: the step writes into a buffer it is given.
   */
  beforeStep(step: PlanStep, inputs: readonly (DeviceBuffer | null)[], outputs: readonly ResolvedOutput[], reuses: boolean): void {
    if (reuses || VARIABLE_OP_TYPES.has(step.node.type) || step.node.type === 'Const') return;
    let need = 0;
    for (const o of outputs) {
      if (o.unknownRank || o.shape.some((d) => d < 0)) continue; // data-dependent: counted when made
      const n = sizeOf(o.shape);
      const bytes = n * BYTES_PER_ELEMENT[o.dtype];
      if (n > MAX_ELEMENTS) throw this.oom(step, o, `${bytes} bytes requested, ${n} elements are more than one array can hold (${MAX_ELEMENTS})`);
      if (inputs.some((x) => x !== null && sizeOf(x.shape) === n && BYTES_PER_ELEMENT[x.dtype] === BYTES_PER_ELEMENT[o.dtype])) continue;
      need += bytes;
      if (this.live + need > this.limitBytes) throw this.oom(step, o, `${bytes} bytes requested, ${this.usage()}`);
    }
  }

  /** After a step's outputs are held and its dead inputs released: what it made must fit too. */
  afterStep(step: PlanStep, outs: readonly NDArray[]): void {
    if (this.live <= this.limitBytes) return;
    const o = outs.reduce((a, b) => (b.storageBytes > a.storageBytes ? b : a));
    throw this.oom(step, o, `${o.storageBytes} bytes made, ${this.usage()}`);
  }

  private usage(): string {
    return `${this.live} bytes in use, session memory limit ${this.limitBytes} bytes (SessionOptions.memoryLimitBytes)`;
  }

  /** A slot now holds `v`. */
  hold(v: NDArray): void {
    const b = v.storage;
    if (this.pinned.has(b)) return;
    const n = this.refs.get(b);
    if (n === undefined) {
      this.refs.set(b, 1);
      this.live += v.storageBytes;
    } else this.refs.set(b, n + 1);
  }

  /** A slot holding `v` was freed. */
  release(v: NDArray): void {
    const b = v.storage;
    const n = this.refs.get(b);
    if (n === undefined) return;
    if (n > 1) this.refs.set(b, n - 1);
    else {
      this.refs.delete(b);
      this.live -= v.storageBytes;
    }
  }

  private oom(step: PlanStep, o: { dtype: DType; shape: readonly number[] }, why: string): ResourceExhaustedError {
    return new ResourceExhaustedError(
      `OOM when allocating tensor with shape${formatShape(o.shape)} and type ${TF_TYPE[o.dtype]} on ${this.device} by op '${step.node.name}' (${step.node.type}): ${why}`,
      { opName: step.node.name, opType: step.node.type, traceback: step.node.traceback },
    );
  }
}
