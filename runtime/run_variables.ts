import type { NDArray } from '../graph/ir/index.js';
import type { VariableAccess } from '../ops/op_def.js';
import type { Plan } from './plan.js';
import type { SessionState } from './run_types.js';

/**
 * One run's view of the session's variables, shared by both executors: writes go to a pending map
 * that later steps of the same run read, and become the variables' values only in `commit`, after
 * every step succeeded (a failed run leaves every variable as it was, on the host and on devices).
 */
export class RunVariables {
  /** null: destroyed in this run (DestroyResourceOp). */
  private readonly pending = new Map<string, NDArray | null>();
  // values that left the variables in this run: a backend may take their storage back at the end
  private readonly retired: NDArray[] = [];
  private committed = false;
  readonly access: VariableAccess;

  constructor(
    private readonly plan: Plan,
    private readonly state: SessionState,
  ) {
    this.access = {
      read: (name) => (this.pending.has(name) ? (this.pending.get(name) ?? undefined) : state.variables.get(name)),
      write: (name, value) => {
        this.replacePending(name);
        this.pending.set(name, value);
      },
      delete: (name) => {
        this.replacePending(name);
        this.pending.set(name, null);
      },
    };
  }

  /**
   * Before a run: each device is readied (a WebGPU device is acquired, or re-acquired after a loss;
   * variables that lived only on a lost device are forgotten, so reading them fails as uninitialized),
   * and a variable that host-side steps read while its newest value is on a device is read back.
   */
  async prepareDevices(): Promise<void> {
    const { plan, state } = this;
    const backends = plan.devices.backends;
    for (const b of backends) {
      try {
        if (b.prepare) await b.prepare();
      } finally {
        for (const name of b.residentVariables?.takeLost() ?? []) state.variables.delete(name);
      }
    }
    const stores = backends.filter((b) => b.residentVariables !== undefined);
    if (stores.length === 0) return;
    for (const step of plan.steps) {
      if (!backends[step.device].hostResident) continue;
      const names = step.inputs.filter((i) => i.kind === 'ref').map((i) => i.variable);
      if (step.node.type === 'VariableV2') names.push(step.node.name);
      for (const name of names) {
        for (const b of stores) {
          if (!b.residentVariables!.has(name)) continue;
          const v = await b.residentVariables!.readBack(name);
          if (v) state.variables.set(name, v);
        }
      }
    }
  }

  // a value written earlier in this run and overwritten now (a loop's updates) is retired too
  private replacePending(name: string): void {
    const before = this.pending.get(name);
    if (before) this.retired.push(before);
  }

  /**
   * What a fetch must not share storage with (runtime/detach.ts): the variables' values, and the
   * values that left them in this run (their storage may go back to a backend when the run ends).
   */
  *keptValues(): Iterable<NDArray> {
    yield* this.state.variables.values();
    yield* this.retired;
  }

  /** Every step succeeded: the run's host writes, then its device writes, become the values. */
  commit(): void {
    const backends = this.plan.devices.backends;
    for (const [k, v] of this.pending) {
      const old = this.state.variables.get(k);
      if (old && old !== v) this.retired.push(old);
      if (v === null) this.state.variables.delete(k);
      else this.state.variables.set(k, v);
      // the host now holds the newest value (or none): a device copy of the old one is dropped
      for (const b of backends) b.residentVariables?.drop(k);
    }
    for (const b of backends) b.residentVariables?.commit();
    this.committed = true;
  }

  /**
   * The run is over (in a finally): an uncommitted run's writes are dropped (on devices too), the
   * values that left the variables go back to the backends that made them, and devices end the run.
   */
  finish(): void {
    if (!this.committed) for (const v of this.pending.values()) if (v) this.retired.push(v);
    const backends = this.plan.devices.backends;
    const retiring = this.retired.length > 0 && backends.some((b) => b.retireVariableValues);
    const kept = retiring ? new Set([...this.state.variables.values()].map((v) => v.storage)) : null;
    for (const b of backends) {
      if (!this.committed) b.residentVariables?.discard();
      if (kept) b.retireVariableValues?.(this.retired, kept);
      b.endRun();
    }
  }
}
