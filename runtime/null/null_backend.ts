import { DType, NDArray } from '../../graph/ir/index.js';
import type { OpDef } from '../../ops/op_def.js';
import type { LoweringKind } from '../../ops/lowering.js';
import { ANY_TARGET } from '../../graph/passes/pass.js';
import type { Backend, DeviceBuffer, Dispatch, KernelChoice } from '../backend.js';

/** A buffer that holds no data: its type, and an id so a recording can say which buffer is which. */
export interface NullBuffer extends DeviceBuffer {
  readonly id: number;
}

/** One thing the null device was asked to do, in order. */
export type NullEvent =
  | { readonly kind: 'alloc'; readonly buffer: number; readonly dtype: DType; readonly shape: readonly number[] }
  | { readonly kind: 'upload'; readonly buffer: number; readonly dtype: DType; readonly shape: readonly number[] }
  | { readonly kind: 'read'; readonly buffer: number }
  | { readonly kind: 'free'; readonly buffer: number }
  | { readonly kind: 'dispatch'; readonly op: string; readonly type: string; readonly kernel: string; readonly inputs: readonly (number | null)[]; readonly outputs: readonly number[] };

export interface NullBackendOptions {
  /** Op types this device refuses, with the reason (to exercise placement). */
  readonly unsupported?: Readonly<Record<string, string>>;
  /** The device type pins match: 'NULL' by default; 'GPU' lets it stand in for an accelerator. */
  readonly deviceType?: string;
  /** The lowering kinds it claims to dispatch (default all): fusion builds nothing else for it. */
  readonly lowerings?: ReadonlySet<LoweringKind>;
}

/**
 * A device that records what it is asked to do and computes nothing: the plan tests' witness
 * (which kernels ran where, which values crossed devices) and the smallest complete backend.
 * Read-backs give zeros of the buffer's type; dims only a kernel could know come out as 0.
 * Ops that write variables store zeros of the variable's shape, so a later run finds them set.
 */
export class NullBackend implements Backend<NullBuffer> {
  readonly name = 'null';
  readonly deviceType: string;
  readonly device: string;
  readonly hostResident = false;
  readonly lowerings: ReadonlySet<LoweringKind>;
  readonly events: NullEvent[] = [];
  private nextId = 0;
  private readonly unsupported: Readonly<Record<string, string>>;

  constructor(options: NullBackendOptions = {}) {
    this.unsupported = options.unsupported ?? {};
    this.deviceType = options.deviceType ?? 'NULL';
    this.lowerings = options.lowerings ?? ANY_TARGET.lowerings;
    this.device = `/device:${this.deviceType}:0`;
  }

  /** The dispatches recorded so far. */
  get dispatches(): Extract<NullEvent, { kind: 'dispatch' }>[] {
    return this.events.filter((e): e is Extract<NullEvent, { kind: 'dispatch' }> => e.kind === 'dispatch');
  }

  /** Every lowering kind "runs" (is recorded), except op types refused in the options. */
  kernelFor(def: OpDef, nodeType: string): KernelChoice {
    const why = Object.hasOwn(this.unsupported, nodeType) ? this.unsupported[nodeType] : undefined;
    if (why !== undefined) return { unsupported: why };
    const low = def.lowering;
    if (low.kind === 'none') return { unsupported: low.reason };
    return { kernel: low.kind === 'routine' ? low.routine : nodeType };
  }

  alloc(dtype: DType, shape: readonly number[]): NullBuffer {
    const b = this.make(dtype, shape);
    this.events.push({ kind: 'alloc', buffer: b.id, dtype, shape: b.shape });
    return b;
  }

  upload(x: NDArray): NullBuffer {
    const b = this.make(x.dtype, x.shape);
    this.events.push({ kind: 'upload', buffer: b.id, dtype: x.dtype, shape: b.shape });
    return b;
  }

  read(b: NullBuffer): Promise<NDArray> {
    this.events.push({ kind: 'read', buffer: b.id });
    return Promise.resolve(NDArray.zeros(b.dtype, b.shape));
  }

  free(b: NullBuffer): void {
    this.events.push({ kind: 'free', buffer: b.id });
  }

  endRun(): void {}

  dispatch(d: Dispatch<NullBuffer>): NullBuffer[] {
    const outs = d.outputs.map((o) => this.make(o.dtype, o.unknownRank ? [0] : o.shape.map((n) => Math.max(n, 0))));
    d.def.refInputs?.forEach((i) => {
      const name = d.ctx.refName(i);
      const v = d.ctx.variables.read(name);
      d.ctx.variables.write(name, v ?? NDArray.zeros(outs[0]?.dtype ?? 'float32', outs[0]?.shape ?? []));
    });
    this.events.push({ kind: 'dispatch', op: d.ctx.opName, type: d.ctx.opType, kernel: d.kernel, inputs: d.inputs.map((b) => b?.id ?? null), outputs: outs.map((b) => b.id) });
    return outs;
  }

  private make(dtype: DType, shape: readonly number[]): NullBuffer {
    return { id: this.nextId++, dtype, shape: [...shape] };
  }
}
