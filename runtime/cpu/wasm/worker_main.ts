/**
 * What a kernel worker runs, and the layout of the control block it shares with the main thread.
 * `kernelWorkerMain` is sent to the worker as source text (platform/workers.ts), so it must be
 * self-contained: no imports, no closure, no helpers a compiler might inject (no spread, no async).
 *
 * Control block: an Int32Array over a SharedArrayBuffer, one slot of SLOT_WORDS per worker:
 *   [SEQ]    job number the main thread posts (Atomics.notify); -1 asks the worker to end
 *   [DONE]   job number the worker finished (Atomics.notify back)
 *   [STATUS] 0, or 1 + the index of the op that threw
 *   [JOB..]  op count, then ops: LOAD moduleId byteOffset byteLength (the module's bytes in the
 *            staging buffer) | CALL moduleId exportIndex argCount args...
 * A worker blocked in Atomics.wait cannot take messages, so modules reach it as bytes in shared
 * memory and it compiles its own instance over the same WebAssembly memory.
 */
export const SLOT_WORDS = 8192;
export const SEQ = 0;
export const DONE = 1;
export const STATUS = 2;
export const JOB = 3;
export const OP_LOAD = 1;
export const OP_CALL = 2;

/** What each worker is started with. */
export interface WorkerInit {
  readonly memory: object;
  readonly control: SharedArrayBuffer;
  readonly staging: SharedArrayBuffer;
  readonly slot: number;
  readonly slotWords: number;
}

interface WorkerWasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}

export function kernelWorkerMain(init: WorkerInit): void {
  const wasm = (globalThis as unknown as { WebAssembly: WorkerWasm }).WebAssembly;
  const ctl = new Int32Array(init.control);
  const bytes = new Uint8Array(init.staging);
  const base = init.slot * init.slotWords;
  const fns: ((...a: number[]) => void)[][] = [];
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, base, seen);
    const seq = Atomics.load(ctl, base);
    if (seq < 0) return;
    if (seq === seen) continue;
    seen = seq;
    let status = 0;
    let p = base + 3;
    const n = ctl[p++];
    let i = 0;
    try {
      for (; i < n; i++) {
        const op = ctl[p++];
        const id = ctl[p++];
        if (op === 1) {
          const off = ctl[p++];
          const len = ctl[p++];
          const inst = new wasm.Instance(new wasm.Module(bytes.slice(off, off + len)), { env: { memory: init.memory } });
          fns[id] = Object.values(inst.exports) as ((...a: number[]) => void)[];
        } else {
          const fn = fns[id][ctl[p++]];
          const argc = ctl[p++];
          const args: number[] = [];
          for (let a = 0; a < argc; a++) args.push(ctl[p++]);
          fn.apply(null, args);
        }
      }
    } catch {
      status = 1 + i;
    }
    ctl[base + 2] = status;
    Atomics.store(ctl, base + 1, seq);
    Atomics.notify(ctl, base + 1);
  }
}
