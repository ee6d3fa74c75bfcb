import type * as NodeOs from 'node:os';
import type * as NodeWorkerThreads from 'node:worker_threads';
import { UnimplementedError } from '../graph/ir/index.js';
import { hasNodeBuiltins, nodeBuiltin } from './node_builtin.js';

/*
 * Worker threads for the CPU backend's kernels: Node's worker_threads where Node's built-ins are
 * reachable, else a browser's Web Workers. Both run the same self-contained script text and hand
 * it one init value (structured-cloned: SharedArrayBuffers and shared WebAssembly.Memory objects
 * arrive as the same memory). Node's workers are unref'd: a pool of idle kernel threads never
 * keeps the process alive.
 */

/** A started worker; `terminate` ends it (idempotent). */
export interface PlatformWorker {
  terminate(): void;
}

interface BrowserWorker {
  postMessage(value: unknown): void;
  terminate(): void;
  onerror: ((e: unknown) => void) | null;
}

interface BrowserGlobals {
  Worker?: new (url: string, options?: { name?: string }) => BrowserWorker;
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL?(blob: object): string };
  navigator?: { hardwareConcurrency?: unknown };
}

const browser = globalThis as BrowserGlobals;

/** Whether this platform can start worker threads at all. */
export function workersAvailable(): boolean {
  if (hasNodeBuiltins()) return true;
  return typeof browser.Worker === 'function' && typeof browser.Blob === 'function' && typeof browser.URL?.createObjectURL === 'function';
}

/** Logical cores this process may use: os.availableParallelism(), navigator.hardwareConcurrency, else 1. */
export function availableCores(): number {
  if (hasNodeBuiltins()) {
    const os = nodeBuiltin<typeof NodeOs>('os', 'availableParallelism()');
    const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    return Number.isInteger(n) && n > 0 ? n : 1;
  }
  const n = browser.navigator?.hardwareConcurrency;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 1;
}

/**
 * Starts a worker running `main(init)`, where `main` is the text of a self-contained JavaScript
 * function (no imports, no closure: it is our own code, see runtime/cpu/wasm/worker_main.ts).
 * `onError` hears a worker that failed outside its own error handling.
 */
export function startWorker(main: string, init: unknown, name: string, onError: (e: unknown) => void): PlatformWorker {
  if (hasNodeBuiltins()) {
    const wt = nodeBuiltin<typeof NodeWorkerThreads>('worker_threads', 'new Worker()');
    // an eval worker is a CommonJS script; it reaches its init the way this layer reaches built-ins
    const code = `(${main})(process.getBuiltinModule('worker_threads').workerData);`;
    const w = new wt.Worker(code, { eval: true, workerData: init, name });
    w.unref();
    w.on('error', onError);
    let ended = false;
    return {
      terminate: () => {
        if (ended) return;
        ended = true;
        void w.terminate();
      },
    };
  }
  const { Worker: W, Blob: B, URL: U } = browser;
  if (!W || !B || !U?.createObjectURL) throw new UnimplementedError(`Cannot start kernel worker '${name}': this platform has no Web Workers`);
  // a classic worker: the first message is the init value, then the worker runs `main` for good
  const url = U.createObjectURL(new B([`onmessage = (e) => { onmessage = null; (${main})(e.data); };`], { type: 'text/javascript' }));
  // (the blob URL is not revoked: the worker fetches it asynchronously after construction)
  const w = new W(url, { name });
  w.onerror = onError;
  w.postMessage(init);
  let ended = false;
  return {
    terminate: () => {
      if (ended) return;
      ended = true;
      w.terminate();
    },
  };
}
