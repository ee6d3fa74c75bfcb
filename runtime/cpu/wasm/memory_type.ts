import { wasmApi } from './wasm_api.js';

const PAGE = 65536;
/** 2 GiB: the most a wasm32 memory can address with our signed i32 offsets. */
export const MAX_PAGES = 32768;
export const WASM_PAGE_BYTES = PAGE;

/** The memory every kernel module imports: its limits and whether it is shared. */
export interface HeapMemoryType {
  readonly minPages: number;
  readonly maxPages: number;
  readonly shared: boolean;
}

let found: HeapMemoryType | null = null;

/**
 * Shared when the engine can make a shared WebAssembly memory (SharedArrayBuffer exists: Node, and
 * browsers with cross-origin isolation). A shared memory never detaches its buffer when it grows,
 * so typed-array views made before a growth stay valid (they just do not see the new pages), and
 * worker threads can run kernels over the same bytes. Elsewhere the memory is plain and views are
 * re-made after growth. Every module must import the memory with exactly this type: a shared
 * memory only satisfies an import declared shared, with a maximum at least its own.
 */
export function heapMemoryType(): HeapMemoryType {
  if (found) return found;
  let shared = false;
  const api = wasmApi();
  if (api && typeof (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer === 'function') {
    try {
      const probe = new api.Memory({ initial: 1, maximum: 1, shared: true });
      shared = probe.buffer instanceof SharedArrayBuffer;
    } catch {
      shared = false;
    }
  }
  found = { minPages: 1, maxPages: MAX_PAGES, shared };
  return found;
}
