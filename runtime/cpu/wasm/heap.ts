import { InternalError, ResourceExhaustedError } from '../../../graph/ir/index.js';
import { wasmApi } from './wasm_api.js';
import type { WasmMemory } from './wasm_api.js';

const PAGE = 65536;
/** 2 GiB: the most a wasm32 memory can address with our signed i32 offsets. */
const MAX_PAGES = 32768;

/**
 * The one WebAssembly memory every kernel module imports. Kernels run one at a time, so a call
 * lays out its scratch from offset 0; `f32()` is re-read after `ensure`, because growing the
 * memory detaches the old ArrayBuffer and every view on it.
 */
export class WasmHeap {
  readonly memory: WasmMemory;
  private view: Float32Array;

  constructor() {
    const api = wasmApi();
    if (!api) throw new InternalError('WebAssembly is not available: the JS kernels should have been chosen');
    this.memory = new api.Memory({ initial: 16, maximum: MAX_PAGES });
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
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }
}

let shared: WasmHeap | null = null;

/** The process's heap, made on first use (so loading the library allocates nothing). */
export function wasmHeap(): WasmHeap {
  shared ??= new WasmHeap();
  return shared;
}
