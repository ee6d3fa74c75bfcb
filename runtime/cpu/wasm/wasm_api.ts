import { registerKernelModule } from './kernel_registry.js';

/**
 * The slice of the WebAssembly JS API the kernels use, typed here because the library compiles
 * without DOM types. Read from globalThis so an engine without WebAssembly loads the library and
 * takes the JS kernels.
 */
export interface WasmMemory {
  /** A SharedArrayBuffer when the memory was made shared. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

export interface WasmApi {
  readonly Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: Readonly<Record<string, Readonly<Record<string, unknown>>>>) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
}

export function wasmApi(): WasmApi | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return api && typeof api.validate === 'function' ? api : null;
}

/**
 * Compiles and instantiates a module over the shared memory. Kernel modules are recorded
 * (kernel_registry.ts) so that worker threads can make their own instance of the same bytes.
 */
export function instantiate(api: WasmApi, bytes: Uint8Array, memory: WasmMemory): WasmInstance {
  const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
  registerKernelModule(bytes, instance);
  return instance;
}
