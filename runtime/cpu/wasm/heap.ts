import { InternalError, ResourceExhaustedError } from '../../../graph/ir/index.js';
import { instantiate, wasmApi } from './wasm_api.js';
import type { WasmMemory } from './wasm_api.js';
import { HeapArena } from './arena.js';
import { heapMemoryType, MAX_PAGES, WASM_PAGE_BYTES as PAGE } from './memory_type.js';
import type { HeapMemoryType } from './memory_type.js';

/** The most bytes the heap can address. */
export const HEAP_MAX_BYTES = MAX_PAGES * PAGE;

/**
 * The one WebAssembly memory every kernel module imports. `f32()` is re-read after `ensure`,
 * because growing a plain memory detaches the old ArrayBuffer and every view on it (a shared
 * memory's views stay valid but do not cover the new pages). The memory is shared where the
 * engine allows (memory_type.ts).
 *
 * On a shared memory the heap also holds an arena (arena.ts): the CPU backend's buffers live in
 * its blocks as typed-array views, which stay valid for good because a shared memory never
 * detaches, and the kernels' scratch is an arena block too, so it never overlaps a buffer. On a
 * plain memory a view would die at the next growth, so there is no arena: buffers stay on the JS
 * heap and kernels lay their scratch out from byte 0, copying operands in and results out.
 */
export class WasmHeap {
  readonly memory: WasmMemory;
  readonly arena: HeapArena | null;
  private view: Float32Array;
  // every ArrayBuffer object the memory has shown (a shared one gives a new object per growth)
  private readonly buffers = new WeakSet<object>();
  private scratchAt = -1;
  private scratchBytes = 0;

  /** `type` is for tests (a plain memory where the engine would share); kernels use the process heap. */
  constructor(type: HeapMemoryType = heapMemoryType()) {
    const api = wasmApi();
    if (!api) throw new InternalError('WebAssembly is not available: the JS kernels should have been chosen');
    this.memory = new api.Memory({ initial: 16, maximum: type.maxPages, shared: type.shared });
    this.view = new Float32Array(this.memory.buffer);
    this.buffers.add(this.memory.buffer);
    this.arena = type.shared ? new HeapArena({ ensure: (bytes, what) => this.ensure(bytes, what), maxBytes: HEAP_MAX_BYTES }) : null;
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
    this.buffers.add(this.memory.buffer);
  }

  /** A float32 view of the whole memory, current after any growth. */
  f32(): Float32Array {
    // a detached view (plain memory, grown) has byteLength 0; a shared one keeps its old length
    if (this.view.byteLength !== this.memory.buffer.byteLength) {
      this.view = new Float32Array(this.memory.buffer);
      this.buffers.add(this.memory.buffer);
    }
    return this.view;
  }

  /**
   * The byte offset of a region of at least `bytes` that a kernel call may use as scratch: an arena
   * block kept from call to call (replaced by a larger one when a call needs more), or byte 0 when
   * there is no arena. A caller takes it once per call and lays everything out from it.
   */
  scratch(bytes: number, what: string): number {
    if (!this.arena) {
      this.ensure(bytes, what);
      return 0;
    }
    if (bytes > this.scratchBytes) {
      if (this.scratchAt >= 0) this.arena.free(this.scratchAt);
      this.scratchAt = this.arena.alloc(bytes, what);
      if (this.scratchAt < 0) {
        this.scratchBytes = 0;
        throw new ResourceExhaustedError(`${what} needs ${bytes} bytes of WebAssembly scratch memory beyond the ${this.arena.stats().liveBytes} bytes in use; the most is ${HEAP_MAX_BYTES}`);
      }
      this.scratchBytes = this.arena.blockBytes(this.scratchAt);
    }
    return this.scratchAt;
  }

  /** The byte offset in this memory of an array's first element, or -1 when it lives elsewhere. */
  offsetOf(x: ArrayBufferView): number {
    return this.buffers.has(x.buffer) ? x.byteOffset : -1;
  }

  /** A typed view of `length` elements at byte `at` (an arena block's buffer). */
  view32<T extends Float32Array | Int32Array>(make: new (buffer: ArrayBufferLike, at: number, length: number) => T, at: number, length: number): T {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return new make(buffer, at, length);
  }
}

let shared: WasmHeap | null = null;

/** The process's heap, made on first use (so loading the library allocates nothing). */
export function wasmHeap(): WasmHeap {
  shared ??= new WasmHeap();
  return shared;
}

/**
 * The exports of a kernel module built by `build` and instantiated over the process heap (recorded
 * for the worker threads: wasm_api.ts `instantiate`). The callers chose the wasm kernels; where
 * WebAssembly is missing that is a bug, reported naming the `jsKernels` that should have run.
 */
export function heapKernelExports(build: () => Uint8Array, jsKernels: string): Readonly<Record<string, unknown>> {
  const api = wasmApi();
  if (!api) throw new InternalError(`WebAssembly is not available: the ${jsKernels} should have been chosen`);
  return instantiate(api, build(), wasmHeap().memory).exports;
}

/**
 * Where a kernel operand lives: its byte offset in the process heap (a buffer the CPU backend keeps
 * there), or -1 for a JS array the driver must copy in. Never makes the heap.
 */
export function heapOffset(x: ArrayBufferView): number {
  return shared ? shared.offsetOf(x) : -1;
}
