import { InternalError } from '../../../graph/ir/index.js';
import { startWorker } from '../../../platform/workers.js';
import type { PlatformWorker } from '../../../platform/workers.js';
import { kernelFunctionRef, kernelModuleBytes } from './kernel_registry.js';
import type { KernelFunctionRef } from './kernel_registry.js';
import type { WasmMemory } from './wasm_api.js';
import { DONE, JOB, kernelWorkerMain, OP_CALL, OP_LOAD, SEQ, SLOT_WORDS, STATUS } from './worker_main.js';
import type { WorkerInit } from './worker_main.js';

/** One call of a kernel export (a function a registered module exports) with i32 arguments. */
export interface KernelCall {
  readonly fn: object;
  readonly args: readonly number[];
}

/** Module bytes one load round can carry; our kernel modules are a few KiB. */
const STAGING_BYTES = 1 << 20;

/**
 * Whether this thread may block in Atomics.wait: Node's main thread and workers may, a browser's
 * main thread may not (it throws), and there the pool spins on Atomics.load while it waits.
 */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

type Fn = (...args: number[]) => void;

/**
 * Worker threads that run kernel calls over the shared heap memory, synchronously for the caller:
 * `run` posts each worker its list of calls through its slot of the control block, runs the first
 * list on this thread, then waits for every worker. A worker gets a module's bytes the first time
 * a call needs it (a LOAD op) and keeps its own instance. Kernels are synchronous, so the backend
 * runs one `run` at a time; the lists of one `run` must touch disjoint output bytes.
 */
export class KernelThreadPool {
  private readonly workers: PlatformWorker[] = [];
  private readonly loaded: Set<number>[] = [];
  private readonly seq: number[] = [];
  private readonly ctl: Int32Array;
  private readonly staging: Uint8Array;
  private readonly blocking = canBlock();
  private broken: string | null = null;

  constructor(memory: WasmMemory, readonly size: number) {
    const control = new SharedArrayBuffer(size * SLOT_WORDS * 4);
    const staging = new SharedArrayBuffer(STAGING_BYTES);
    this.ctl = new Int32Array(control);
    this.staging = new Uint8Array(staging);
    const main = kernelWorkerMain.toString();
    for (let slot = 0; slot < size; slot++) {
      const init: WorkerInit = { memory, control, staging, slot, slotWords: SLOT_WORDS };
      this.workers.push(startWorker(main, init, `tensorgraph-kernels-${slot + 1}`, (e) => {
        this.broken = `kernel worker ${slot + 1} failed: ${e instanceof Error ? e.message : String(e)}`;
      }));
      this.loaded.push(new Set());
      this.seq.push(0);
    }
  }

  /** Runs lists[0] on this thread and lists[1 + w] on worker w, returning when all are done. */
  run(lists: readonly (readonly KernelCall[])[]): void {
    if (this.broken) throw new InternalError(this.broken);
    if (lists.length - 1 > this.size) throw new InternalError(`${lists.length} call lists for ${this.size} kernel workers and this thread`);
    const refs = lists.map((l) => l.map((c) => refOf(c.fn)));
    this.loadModules(refs.slice(1));
    // each worker's ops in rounds that fit its slot; this thread runs its whole list in the first
    const next = lists.map(() => 0);
    let mine = true;
    for (;;) {
      const posted: number[] = [];
      const starts = next.slice();
      for (let w = 0; w + 1 < lists.length; w++) {
        const ops: number[] = [];
        let i = next[w + 1];
        const list = lists[w + 1];
        let count = 0;
        for (; i < list.length; i++) {
          const { args } = list[i];
          const r = refs[w + 1][i];
          if (ops.length + 4 + args.length + 1 > SLOT_WORDS - JOB) break;
          ops.push(OP_CALL, r.moduleId, r.exportIndex, args.length, ...args);
          count++;
        }
        if (count === 0 && i < list.length) throw new InternalError(`a kernel call with ${list[i].args.length} arguments does not fit a worker's slot`);
        next[w + 1] = i;
        if (count > 0) {
          this.post(w, count, ops);
          posted.push(w);
        }
      }
      try {
        if (mine) for (const c of lists[0]) (c.fn as Fn).apply(null, c.args as number[]);
      } finally {
        mine = false;
        // the workers write the same memory: wait for them even when this thread's share threw
        for (const w of posted) this.wait(w, lists[w + 1].slice(starts[w + 1]), refs[w + 1].slice(starts[w + 1]));
      }
      if (posted.length === 0) return;
    }
  }

  /** Ends every worker; a later `run` is an error (make a new pool). */
  close(): void {
    for (let w = 0; w < this.size; w++) {
      Atomics.store(this.ctl, w * SLOT_WORDS + SEQ, -1);
      Atomics.notify(this.ctl, w * SLOT_WORDS + SEQ);
      this.workers[w].terminate();
    }
    this.broken = 'the kernel thread pool was closed';
  }

  /** Sends each worker the modules its calls need and it has not got, in rounds that fit the staging buffer. */
  private loadModules(refs: readonly (readonly KernelFunctionRef[])[]): void {
    let missing = refs.map((rs, w) => [...new Set(rs.map((r) => r.moduleId))].filter((id) => !this.loaded[w].has(id)));
    while (missing.some((m) => m.length > 0)) {
      const placed = new Map<number, [number, number]>();
      let top = 0;
      const later = missing.map(() => [] as number[]);
      missing.forEach((ids, w) => {
        const ops: number[] = [];
        for (const id of ids) {
          let at = placed.get(id);
          if (!at) {
            const bytes = kernelModuleBytes(id);
            if (bytes.length > STAGING_BYTES) throw new InternalError(`kernel module ${id} (${bytes.length} bytes) is larger than the workers' staging buffer`);
            if (top + bytes.length > STAGING_BYTES) {
              later[w].push(id);
              continue;
            }
            this.staging.set(bytes, top);
            at = [top, bytes.length];
            placed.set(id, at);
            top += bytes.length;
          }
          ops.push(OP_LOAD, id, at[0], at[1]);
        }
        if (ops.length > 0) this.post(w, ops.length / 4, ops);
      });
      missing.forEach((ids, w) => {
        const sent = ids.filter((id) => !later[w].includes(id));
        if (sent.length === 0) return;
        this.wait(w, [], []);
        for (const id of sent) this.loaded[w].add(id);
      });
      missing = later;
    }
  }

  private post(w: number, count: number, ops: readonly number[]): void {
    const base = w * SLOT_WORDS;
    this.ctl[base + JOB] = count;
    this.ctl.set(ops, base + JOB + 1);
    this.seq[w]++;
    Atomics.store(this.ctl, base + SEQ, this.seq[w]);
    Atomics.notify(this.ctl, base + SEQ);
  }

  private wait(w: number, list: readonly KernelCall[], refs: readonly KernelFunctionRef[]): void {
    const at = w * SLOT_WORDS + DONE;
    for (;;) {
      const done = Atomics.load(this.ctl, at);
      if (done === this.seq[w]) break;
      if (this.blocking) Atomics.wait(this.ctl, at, done);
    }
    const status = this.ctl[w * SLOT_WORDS + STATUS];
    if (status === 0) return;
    const r = refs[status - 1];
    const what = r ? `kernel '${r.name}' (module ${r.moduleId}) with arguments [${list[status - 1].args.join(', ')}]` : 'loading a kernel module';
    throw new InternalError(`kernel worker ${w + 1} failed running ${what}`);
  }
}

function refOf(fn: object): KernelFunctionRef {
  const r = kernelFunctionRef(fn);
  if (!r) throw new InternalError('a kernel call names a function that no registered wasm module exports');
  return r;
}
