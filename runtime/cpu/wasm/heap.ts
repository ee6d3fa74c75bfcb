import { InternalError, ResourceExhaustedError } from '../../../graph/ir/index.js';
import { wasmApi } from './wasm_api.js';
import type { WasmMemory } from './wasm_api.js';
import { heapMemoryType, MAX_PAGES, WASM_PAGE_BYTES as PAGE } from './memory_type.js';

/**
 * The one WebAssembly memory every kernel module imports. Kernels run one at a time, so a call
 * lays out its scratch from offset 0; `f32()` is re-read after `ensure`, because growing a plain
 * memory detaches the old ArrayBuffer and every view on it (a shared memory's views stay valid
 * but do not cover the new pages). The memory is shared where the engine allows (memory_type.ts).
 */
export class WasmHeap {
  readonly memory: WasmMemory;
  private view: Float32Array;

  constructor() {
    const api = wasmApi();
    if (!api) throw new InternalError('WebAssembly is not available: the JS kernels should have been chosen');
    const type = heapMemoryType();
    this.memory = new api.Memory({ initial: 16, maximum: type.maxPages, shared: type.shared });
    this.view = new Float32Array(this.memory.buffer);
  }

  /** Makes at least `bytes` addressable, growing the memory if needed. */
  ensure(bytes: number, what: string): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) {
      throw new ResourceExhaustedError(`${what} needs ${bytes} bytes of WebAssembly memory; the most is ${MAX_PAGES * PAGE}`);
    }
    this.memory.grow(pages);
  }

  /** A float32 view of the whole memory, current after any growth. */
  f32(): Float32Array {
    // a detached view (plain memory, grown) has byteLength 0; a shared one keeps its old length
    if (this.view.byteLength !== this.memory.buffer.byteLength) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }
}

let shared: WasmHeap | null = null;

/** The process's heap, made on first use (so loading the library allocates nothing). */
export function wasmHeap(): WasmHeap {
  shared ??= new WasmHeap();
  return shared;
}
