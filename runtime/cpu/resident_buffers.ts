import type { DataArray, DType } from '../../graph/ir/index.js';
import type { HeapArena } from './wasm/arena.js';
import { wasmHeap } from './wasm/heap.js';
import type { WasmHeap } from './wasm/heap.js';
import { heapMemoryType } from './wasm/memory_type.js';
import { wasmApi } from './wasm/wasm_api.js';

/**
 * One CPU backend's buffers in the wasm heap's arena: the buffers the memory plan hands out and
 * recycles (`Backend.alloc` / `free`) are typed-array views on arena blocks, so the wasm kernels
 * read and write them in place. Blocks go back to the arena when freed and, at the end of a run,
 * any still out: the backend puts only values the plan proved run-scoped (PlanStep.ownedOutput:
 * every reader makes a fresh output, neither fetched nor kept) in blocks, and an in-place step
 * whose output is not run-scoped never writes into one (runtime/step_buffers.ts), so no block
 * outlives its run — a fetch, a variable or a feed is never an arena block.
 */
export class ResidentBuffers {
  // the blocks this backend has out, by the view it handed out
  private readonly out = new Map<DataArray, number>();
  private handed = 0;

  constructor(
    private readonly heap: WasmHeap,
    private readonly arena: HeapArena,
  ) {}

  /** A view on a fresh block (contents undefined, as a pooled buffer's), or null: not this dtype, or no room. */
  alloc(dtype: DType, size: number): Float32Array | Int32Array | null {
    if ((dtype !== 'float32' && dtype !== 'int32') || size === 0) return null;
    const at = this.arena.alloc(size * 4, `a ${dtype} buffer of ${size} elements`);
    // past 2 GiB of wasm memory the buffer is a JS array: kernels copy it, as on a plain memory
    if (at < 0) return null;
    const view = dtype === 'float32' ? this.heap.view32(Float32Array, at, size) : this.heap.view32(Int32Array, at, size);
    this.out.set(view, at);
    this.handed++;
    return view;
  }

  holds(data: DataArray): boolean {
    return this.out.has(data);
  }

  /** Takes a block back; false when `data` is not one of this backend's blocks. */
  free(data: DataArray): boolean {
    const at = this.out.get(data);
    if (at === undefined) return false;
    this.out.delete(data);
    this.arena.free(at);
    return true;
  }

  /** Every block still out is dead once the run is over (see the class comment). */
  endRun(): void {
    for (const at of this.out.values()) this.arena.free(at);
    this.out.clear();
  }

  /** Blocks out now (tests: zero between runs). */
  get blocksOut(): number {
    return this.out.size;
  }

  /** Blocks handed out so far (tests: which outputs the plan let live in the arena). */
  get blocksHanded(): number {
    return this.handed;
  }
}

/**
 * Resident buffers when the process heap can hold them: WebAssembly exists and its memory is
 * shared (a plain memory detaches every view when it grows, so views on it cannot be buffers).
 */
export function residentBuffers(shared = heapMemoryType().shared): ResidentBuffers | null {
  if (!shared || !wasmApi()) return null;
  const heap = wasmHeap();
  return heap.arena ? new ResidentBuffers(heap, heap.arena) : null;
}
