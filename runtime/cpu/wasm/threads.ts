import { InvalidArgumentError } from '../../../graph/ir/index.js';
import { availableCores, workersAvailable } from '../../../platform/workers.js';
import { wasmHeap } from './heap.js';
import { heapMemoryType } from './memory_type.js';
import { KernelThreadPool } from './thread_pool.js';
import type { KernelCall } from './thread_pool.js';

/**
 * How many threads the wasm kernels split their work over: the backend's `threads` option, set
 * around each dispatch like the kernel mode. One thread (still SIMD) where the heap memory is not
 * shared (no SharedArrayBuffer: browsers without cross-origin isolation) or no workers can start.
 */

/** The `threads` option checked: a positive integer, or the number of cores when absent. */
export function resolveThreads(threads: number | undefined, where: string): number {
  if (threads === undefined) return availableCores();
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1) {
    throw new InvalidArgumentError(`${where}: threads must be a positive integer, got ${typeof threads === 'number' ? threads : typeof threads}`);
  }
  return threads;
}

let sharedOverride: boolean | null = null;

/** Tests: pretend the heap memory is not shared (false), or undo (null). */
export function setSharedMemoryForTests(shared: boolean | null): void {
  sharedOverride = shared;
}

/** Whether kernels can run on more than one thread here at all. */
export function threadsSupported(): boolean {
  return (sharedOverride ?? heapMemoryType().shared) && workersAvailable();
}

let current = 1;

/** Runs a synchronous kernel call allowed `threads` threads, restoring the previous count after. */
export function withKernelThreads<T>(threads: number, fn: () => T): T {
  const before = current;
  current = threads;
  try {
    return fn();
  } finally {
    current = before;
  }
}

/**
 * Work (multiply-adds, or element operations) each thread must get before a kernel splits: waking
 * a worker and waiting for it costs some tens of microseconds on an idle machine (more when the
 * cores are busy), and 2^20 multiply-adds are about 50 µs of the SIMD gemm on one core.
 */
const MIN_WORK_PER_THREAD = 1 << 20;
let minWork = MIN_WORK_PER_THREAD;

/** Tests: split even tiny problems (1), or back to the default (null). */
export function setMinWorkPerThreadForTests(work: number | null): void {
  minWork = work ?? MIN_WORK_PER_THREAD;
}

/** Pieces per thread: a thread that falls behind (the OS runs something else) leaves pieces to the others. */
const PIECES_PER_THREAD = 4;

/** How a kernel's work is cut: into `pieces`, run by up to `threads` threads. */
export interface Split {
  readonly threads: number;
  readonly pieces: number;
}

/** A kernel's work cut into independent pieces (no two write the same bytes), and the threads worth waking for it. */
export interface KernelJob {
  readonly pieces: readonly (readonly KernelCall[])[];
  readonly threads: number;
}

/**
 * How a kernel doing `work` units, divisible into at most `parts` pieces, is split: one piece
 * (this thread alone) below the work worth a second thread, else a few pieces per thread, with no
 * more threads than the work is worth.
 */
export function splitFor(work: number, parts: number): Split {
  if (current <= 1 || !threadsSupported()) return { threads: 1, pieces: 1 };
  const threads = Math.min(current, parts, Math.floor(work / minWork));
  if (threads <= 1) return { threads: 1, pieces: 1 };
  return { threads, pieces: Math.min(parts, threads * PIECES_PER_THREAD) };
}

let pool: KernelThreadPool | null = null;
let threadedRuns = 0;

/** How many kernel runs went to more than one thread (tests check a split really happened). */
export function threadedRunCount(): number {
  return threadedRuns;
}

/**
 * Runs independent pieces of kernel work (each a list of calls; no two pieces write the same
 * bytes) on up to the current thread count: this thread and worker threads claim pieces until none
 * is left. One pool serves the process (the heap is one too), grown to the most workers any
 * backend asked for. `onlyWorkers` (tests) leaves every piece to the workers.
 */
export function runOnThreads(job: KernelJob, onlyWorkers = false): void {
  const { pieces } = job;
  const workers = Math.min(current, job.threads, pieces.length) - 1;
  if (workers < 1 || !threadsSupported()) {
    for (const p of pieces) for (const c of p) (c.fn as (...a: number[]) => void).apply(null, c.args as number[]);
    return;
  }
  if (!pool || pool.size < workers) {
    pool?.close();
    pool = new KernelThreadPool(wasmHeap().memory, workers);
  }
  threadedRuns++;
  pool.run(pieces, workers, !onlyWorkers);
}

/** Workers now started (0 when no pool). */
export function kernelWorkerCount(): number {
  return pool?.size ?? 0;
}

/** Ends the pool's workers; the next multi-threaded kernel starts a new pool. */
export function shutdownKernelThreads(): void {
  pool?.close();
  pool = null;
}

/** [start, end) of piece t when `n` units in blocks of `align` are split into `parts` nearly equal pieces. */
export function splitRange(n: number, parts: number, t: number, align = 1): [number, number] {
  const blocks = Math.ceil(n / align);
  const lo = Math.floor((blocks * t) / parts) * align;
  const hi = Math.min(n, Math.floor((blocks * (t + 1)) / parts) * align);
  return [lo, hi];
}
