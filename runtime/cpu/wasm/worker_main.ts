/**
 * What a kernel worker runs, and the layout of the control block it shares with the main thread.
 * `kernelWorkerMain` is sent to the worker as source text (platform/workers.ts), so it must be
 * self-contained: no imports, no closure, no helpers a compiler might inject (no spread, no async);
 * it repeats the constants below as literals.
 *
 * Control block: an Int32Array over a SharedArrayBuffer.
 *   [NEXT]  the next piece of the current job to claim (Atomics.add): pieces go to whichever
 *           thread is free, so a worker the OS has not scheduled yet holds nobody up
 *   [PIECES] how many pieces the job has
 *   then one slot of SLOT_WORDS per worker:
 *     [STATE]  IDLE → POSTED (main) → RUNNING (worker, by compare-exchange) → DONE (worker) → IDLE
 *              (main); main takes a POSTED job back (POSTED → IDLE) when it finished every piece
 *              before the worker woke; STOP ends the worker
 *     [STATUS] 0; 1 when a module failed to load; 2 + the piece whose call threw, the call's
 *              index in [FAILED_CALL]
 *     [LOADS]  count, then (moduleId, byteOffset, byteLength): modules to compile from the staging
 *              buffer before any piece (a worker blocked in Atomics.wait takes no messages)
 *   then the job: for each piece its start word, then the pieces' calls: count, then
 *   (moduleId, exportIndex, argCount, args...) each.
 */
export const NEXT = 0;
export const PIECES = 1;
export const HEADER_WORDS = 4;
export const SLOT_WORDS = 1024;
export const STATE = 0;
export const STATUS = 1;
export const FAILED_CALL = 2;
export const LOADS = 3;
export const IDLE = 0;
export const POSTED = 1;
export const RUNNING = 2;
export const DONE = 3;
export const STOP = 4;

/** What each worker is started with. */
export interface WorkerInit {
  readonly memory: object;
  readonly control: SharedArrayBuffer;
  readonly staging: SharedArrayBuffer;
  /** Word where this worker's slot starts. */
  readonly slot: number;
  /** Word where the job (piece table, then calls) starts. */
  readonly job: number;
}

interface WorkerWasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}

export function kernelWorkerMain(init: WorkerInit): void {
  const wasm = (globalThis as unknown as { WebAssembly: WorkerWasm }).WebAssembly;
  const ctl = new Int32Array(init.control);
  const bytes = new Uint8Array(init.staging);
  const st = init.slot;
  const fns: ((...a: number[]) => void)[][] = [];
  for (;;) {
    const s = Atomics.load(ctl, st);
    if (s === 4) return;
    // IDLE, or DONE not yet reset: sleep until the state changes
    if (s !== 1) {
      Atomics.wait(ctl, st, s);
      continue;
    }
    // main may have taken the job back meanwhile
    if (Atomics.compareExchange(ctl, st, 1, 2) !== 1) continue;
    let status = 0;
    let call = 0;
    let current = -1;
    try {
      const loads = ctl[st + 3];
      for (let i = 0; i < loads; i++) {
        const id = ctl[st + 4 + 3 * i];
        const off = ctl[st + 5 + 3 * i];
        const len = ctl[st + 6 + 3 * i];
        const inst = new wasm.Instance(new wasm.Module(bytes.slice(off, off + len)), { env: { memory: init.memory } });
        fns[id] = Object.values(inst.exports) as ((...a: number[]) => void)[];
      }
      const pieces = ctl[1];
      for (;;) {
        const piece = Atomics.add(ctl, 0, 1);
        if (piece >= pieces) break;
        current = piece;
        let p = ctl[init.job + piece];
        const n = ctl[p++];
        for (call = 0; call < n; call++) {
          const fn = fns[ctl[p]][ctl[p + 1]];
          const argc = ctl[p + 2];
          p += 3;
          const args: number[] = [];
          for (let a = 0; a < argc; a++) args.push(ctl[p++]);
          fn.apply(null, args);
        }
      }
    } catch {
      // 1: a module failed to load; 2 + piece: a call of that piece threw
      status = 2 + current;
    }
    ctl[st + 1] = status;
    ctl[st + 2] = call;
    Atomics.store(ctl, st, 3);
    Atomics.notify(ctl, st);
  }
}
