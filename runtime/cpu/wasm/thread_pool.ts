import { InternalError } from '../../../graph/ir/index.js';
import { startWorker } from '../../../platform/workers.js';
import type { PlatformWorker } from '../../../platform/workers.js';
import { kernelFunctionRef, kernelModuleBytes } from './kernel_registry.js';
import type { KernelFunctionRef } from './kernel_registry.js';
import type { WasmMemory } from './wasm_api.js';
import { DONE, FAILED_CALL, HEADER_WORDS, IDLE, kernelWorkerMain, LOADS, NEXT, PIECES, POSTED, SLOT_WORDS, STATE, STATUS, STOP } from './worker_main.js';
import type { WorkerInit } from './worker_main.js';

/** One call of a kernel export (a function a registered module exports) with i32 arguments. */
export interface KernelCall {
  readonly fn: object;
  readonly args: readonly number[];
}

/**
 * How long the main thread polls for a worker's piece to finish before it sleeps in Atomics.wait
 * (µs). It has nothing else to do meanwhile, and a futex wake-up costs tens of microseconds on a
 * VM: on the idle 2-core machine 50 µs of polling moved 2 threads ÷ 1 from 0.99–1.03× to
 * 1.05–1.15× on MLP b64, 0.81× to 0.87× on the Adam step, 1.07–1.22× to 1.17–1.26× on the
 * LeNet step (`npm run bench:threads`, alternating runs). Bounded, so a worker the OS has
 * descheduled costs at most this much spinning before the main thread yields its core.
 */
const MAIN_SPIN_MICROS = 50;

/** Module bytes one job can carry to the workers; our kernel modules are a few KiB. */
const STAGING_BYTES = 1 << 20;
/** Words of the job area (piece table and calls); a longer job runs in rounds. */
const JOB_WORDS = 1 << 16;

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
 * Worker threads that run kernel calls over the shared heap memory, synchronously for the caller.
 * `run` takes independent pieces of work (each a list of calls, touching output bytes no other
 * piece touches), writes them into the job area of the control block (worker_main.ts), wakes the
 * workers, and claims pieces itself until none is left; each worker claims pieces the same way.
 * A worker the OS has not scheduled by then is taken back without waiting for it, so a busy
 * machine costs at most the piece a worker is in the middle of. Which thread runs a piece never
 * changes its result. A worker gets a module's bytes the first time a job it runs needs it.
 */
export class KernelThreadPool {
  private readonly workers: PlatformWorker[] = [];
  private readonly loaded: Set<number>[] = [];
  private readonly ctl: Int32Array;
  private readonly staging: Uint8Array;
  private readonly jobAt: number;
  private readonly blocking = canBlock();
  private broken: string | null = null;

  constructor(memory: WasmMemory, readonly size: number) {
    this.jobAt = HEADER_WORDS + size * SLOT_WORDS;
    const control = new SharedArrayBuffer((this.jobAt + JOB_WORDS) * 4);
    const staging = new SharedArrayBuffer(STAGING_BYTES);
    this.ctl = new Int32Array(control);
    this.staging = new Uint8Array(staging);
    const main = kernelWorkerMain.toString();
    for (let w = 0; w < size; w++) {
      const init: WorkerInit = { memory, control, staging, slot: this.slot(w), job: this.jobAt };
      this.workers.push(startWorker(main, init, `tensorgraph-kernels-${w + 1}`, (e) => {
        this.broken = `kernel worker ${w + 1} failed: ${e instanceof Error ? e.message : String(e)}`;
      }));
      this.loaded.push(new Set());
    }
  }

  /**
   * Runs the pieces on this thread and up to `workers` workers; returns when every piece is done.
   * `helps: false` leaves every piece to the workers (tests of what happens on a worker).
   */
  run(pieces: readonly (readonly KernelCall[])[], workers: number, helps = true): void {
    if (this.broken) throw new InternalError(this.broken);
    const refs = pieces.map((p) => p.map((c) => refOf(c.fn)));
    const use = Math.min(workers, this.size, pieces.length - 1);
    for (let start = 0; start < pieces.length; ) {
      const end = this.writeJob(pieces, refs, start);
      this.round(pieces.slice(start, end), refs.slice(start, end), use, helps);
      start = end;
    }
  }

  /** Ends every worker; a later `run` is an error (make a new pool). */
  close(): void {
    for (let w = 0; w < this.size; w++) {
      Atomics.store(this.ctl, this.slot(w) + STATE, STOP);
      Atomics.notify(this.ctl, this.slot(w) + STATE);
      this.workers[w].terminate();
    }
    this.broken = 'the kernel thread pool was closed';
  }

  private slot(w: number): number {
    return HEADER_WORDS + w * SLOT_WORDS;
  }

  /** Writes pieces [start, end) into the job area, as many as fit; returns end. */
  private writeJob(pieces: readonly (readonly KernelCall[])[], refs: readonly (readonly KernelFunctionRef[])[], start: number): number {
    const count = (p: readonly KernelCall[]): number => 1 + p.reduce((s, c) => s + 3 + c.args.length, 0);
    let end = start;
    let words = 0;
    while (end < pieces.length && words + 1 + count(pieces[end]) <= JOB_WORDS) words += 1 + count(pieces[end++]);
    if (end === start) throw new InternalError(`a kernel job piece of ${count(pieces[start])} words does not fit the ${JOB_WORDS}-word job area`);
    const n = end - start;
    let p = this.jobAt + n;
    for (let i = 0; i < n; i++) {
      this.ctl[this.jobAt + i] = p;
      const calls = pieces[start + i];
      this.ctl[p++] = calls.length;
      calls.forEach((c, j) => {
        const r = refs[start + i][j];
        this.ctl[p++] = r.moduleId;
        this.ctl[p++] = r.exportIndex;
        this.ctl[p++] = c.args.length;
        for (const a of c.args) this.ctl[p++] = a;
      });
    }
    return end;
  }

  private round(pieces: readonly (readonly KernelCall[])[], refs: readonly (readonly KernelFunctionRef[])[], use: number, helps: boolean): void {
    const n = pieces.length;
    this.ctl[PIECES] = n;
    Atomics.store(this.ctl, NEXT, 0);
    const modules = [...new Set(refs.flatMap((rs) => rs.map((r) => r.moduleId)))];
    const loads: number[][] = [];
    const staged = new Map<number, number>();
    let top = 0;
    for (let w = 0; w < use; w++) {
      const st = this.slot(w);
      const need = modules.filter((id) => !this.loaded[w].has(id));
      loads.push(need);
      if (3 * need.length > SLOT_WORDS - LOADS - 1) throw new InternalError(`a kernel job needs ${need.length} modules, more than a worker's slot lists`);
      this.ctl[st + LOADS] = need.length;
      need.forEach((id, i) => {
        const bytes = kernelModuleBytes(id);
        let at = staged.get(id);
        if (at === undefined) {
          if (top + bytes.length > STAGING_BYTES) throw new InternalError(`the kernel modules of one job (${top + bytes.length} bytes) exceed the workers' staging buffer`);
          this.staging.set(bytes, top);
          at = top;
          staged.set(id, at);
          top += bytes.length;
        }
        this.ctl.set([id, at, bytes.length], st + LOADS + 1 + 3 * i);
      });
      this.ctl[st + STATUS] = 0;
      Atomics.store(this.ctl, st + STATE, POSTED);
      Atomics.notify(this.ctl, st + STATE);
    }
    let error: unknown = null;
    try {
      while (helps) {
        const piece = Atomics.add(this.ctl, NEXT, 1);
        if (piece >= n) break;
        for (const c of pieces[piece]) (c.fn as Fn).apply(null, c.args as number[]);
      }
    } catch (e) {
      error = e;
      // the workers stop claiming; the heap must be quiet before the error leaves
      Atomics.store(this.ctl, NEXT, n);
    }
    let failure: string | null = null;
    for (let w = 0; w < use; w++) {
      const f = this.finish(w, loads[w], pieces, refs, helps);
      failure ??= f;
    }
    if (error) throw error;
    if (failure) throw new InternalError(failure);
  }

  /** Takes worker w's job back if it has not started, else waits for it; returns its failure, if any. */
  private finish(w: number, loads: readonly number[], pieces: readonly (readonly KernelCall[])[], refs: readonly (readonly KernelFunctionRef[])[], takeBack: boolean): string | null {
    const st = this.slot(w) + STATE;
    if (takeBack && Atomics.compareExchange(this.ctl, st, POSTED, IDLE) === POSTED) return null;
    let spinUntil = -1;
    for (let polls = 0; ; polls++) {
      const s = Atomics.load(this.ctl, st);
      if (s === DONE) break;
      if (!this.blocking) continue;
      // poll for MAIN_SPIN_MICROS (reading the clock every 64 polls), then sleep until it changes
      if ((polls & 63) !== 0) continue;
      const now = performance.now();
      if (spinUntil < 0) spinUntil = now + MAIN_SPIN_MICROS / 1000;
      else if (now >= spinUntil) Atomics.wait(this.ctl, st, s);
    }
    const status = this.ctl[this.slot(w) + STATUS];
    // no notify: the worker sleeps on DONE until the next POSTED (or STOP) wakes it; waking it
    // now would only cost it a trip through the scheduler
    Atomics.store(this.ctl, st, IDLE);
    if (status === 1) return `kernel worker ${w + 1} could not compile kernel modules [${loads.join(', ')}]`;
    for (const id of loads) this.loaded[w].add(id);
    if (status === 0) return null;
    const piece = status - 2;
    const call = this.ctl[this.slot(w) + FAILED_CALL];
    const r = refs[piece][call];
    return `kernel worker ${w + 1} failed running kernel '${r.name}' (module ${r.moduleId}) with arguments [${pieces[piece][call].args.join(', ')}]`;
  }
}

function refOf(fn: object): KernelFunctionRef {
  const r = kernelFunctionRef(fn);
  if (!r) throw new InternalError('a kernel call names a function that no registered wasm module exports');
  return r;
}
