import { FailedPreconditionError, NDArray } from '../../graph/ir/index.js';
import type { VariableAccess } from '../../ops/op_def.js';
import type { GpuContext } from './gpu_context.js';
import type { GpuTensor } from './gpu_tensor.js';

interface Entry {
  readonly value: GpuTensor;
  /** The host value this copy mirrors; null when the device holds a newer value than the host. */
  host: NDArray | null;
}

/**
 * The session's variables kept on the device between runs. A variable is uploaded the first time a
 * device op reads it (or again when the host value changed: a restore, a CPU-side write), and
 * device writes (Assign, Apply*) stay here: the host copy is then stale (`newerOnDevice`) until a
 * read back (`readBack`, from `Session.syncVariables`, Saver, or a CPU op reading the variable).
 * A run's writes are pending until the run commits; a failed run discards them.
 */
export class ResidentVariables {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, GpuTensor>();
  private lost: string[] = [];

  /** `track`: the backend counts a pending write as the run's buffer (freed with the run unless committed). */
  constructor(
    private gpu: GpuContext,
    private readonly track: (t: GpuTensor) => void = () => undefined,
  ) {}

  /** The variable's value for a device op: this run's write, else the device copy, else an upload. */
  read(name: string, host: VariableAccess, opName: string): GpuTensor {
    const p = this.pending.get(name);
    if (p) return p;
    const e = this.entries.get(name);
    const h = host.read(name);
    if (e && (e.host === null || e.host === h)) return e.value;
    if (!h) throw new FailedPreconditionError(`Attempting to use uninitialized value ${name}`, { opName });
    const value = this.gpu.upload(h, `variable '${name}'`);
    value.owner = 'variable';
    if (e) this.gpu.release(e.value);
    this.entries.set(name, { value, host: h });
    return value;
  }

  /** A ref read's device value (see DeviceVariables.valueFor); undefined when the variable has none. */
  valueFor(name: string, host: VariableAccess, opName: string): GpuTensor | undefined {
    return this.current(name, host) ? this.read(name, host, opName) : undefined;
  }

  /** A device op wrote the variable (kept pending until the run commits). */
  write(name: string, value: GpuTensor): void {
    this.track(value);
    this.pending.set(name, value);
  }

  /**
   * The variable's current value as the run sees it, without uploading it: this run's write, the
   * device copy, or the host value; undefined when it has none (uninitialized or destroyed).
   */
  current(name: string, host: VariableAccess): { readonly dtype: GpuTensor['dtype']; readonly shape: readonly number[] } | undefined {
    const p = this.pending.get(name);
    if (p) return p;
    const h = host.read(name);
    if (h) return h;
    const e = this.entries.get(name);
    return e && e.host === null ? e.value : undefined;
  }

  /** A device write of this run is withdrawn (the variable was destroyed after it). */
  forget(name: string): void {
    this.pending.delete(name);
  }

  /** The run succeeded: its writes become the variables' values (the old buffers go back to the pool). */
  commit(): GpuTensor[] {
    const adopted: GpuTensor[] = [];
    for (const [name, value] of this.pending) {
      const old = this.entries.get(name);
      if (old && old.value !== value) this.gpu.release(old.value);
      value.owner = 'variable';
      this.entries.set(name, { value, host: null });
      adopted.push(value);
    }
    this.pending.clear();
    return adopted;
  }

  /** The run failed: its writes are dropped (their buffers are the run's, freed with it). */
  discard(): void {
    this.pending.clear();
  }

  /** Variables whose newest value is only here. */
  newerOnDevice(): string[] {
    return [...this.entries].filter(([, e]) => e.host === null).map(([n]) => n);
  }

  has(name: string): boolean {
    return this.entries.get(name)?.host === null;
  }

  /** Reads a variable back; the device copy then mirrors the returned host value. */
  async readBack(name: string): Promise<NDArray | undefined> {
    const e = this.entries.get(name);
    if (!e) return undefined;
    const v = await this.gpu.read(e.value);
    if (this.entries.get(name) === e) e.host = v;
    return v;
  }

  /** The host value was replaced (restore, a CPU write): the device copy is dropped. */
  drop(name: string): void {
    const e = this.entries.get(name);
    if (!e) return;
    this.gpu.release(e.value);
    this.entries.delete(name);
  }

  clear(): void {
    for (const name of [...this.entries.keys()]) this.drop(name);
  }

  /** The device was lost: every value held only here is gone (returned, and kept for `takeLost`). */
  deviceLost(next: GpuContext): string[] {
    const gone = this.newerOnDevice();
    this.lost.push(...gone);
    this.entries.clear();
    this.pending.clear();
    this.gpu = next;
    return gone;
  }

  /** Names of variables lost with a device since the last call (the session forgets them). */
  takeLost(): string[] {
    const l = this.lost;
    this.lost = [];
    return l;
  }
}
