/**
 * Every kernel module instantiated on this thread, by id, with the bytes it was compiled from, so
 * that a worker thread can compile and instantiate the same module over the same shared memory
 * (thread_pool.ts). The bytes are only ever our own emitter's output (instantiate's callers).
 * A kernel function is found again from the function object the driver holds: its module id and
 * its index among the instance's exports (export order is the module's, the same on every thread).
 */
export interface KernelFunctionRef {
  readonly moduleId: number;
  readonly exportIndex: number;
  /** The export's name, for error messages. */
  readonly name: string;
}

const modules: Uint8Array[] = [];
const functions = new WeakMap<object, KernelFunctionRef>();

export function registerKernelModule(bytes: Uint8Array, instance: { readonly exports: Readonly<Record<string, unknown>> }): void {
  const moduleId = modules.length;
  // a copy: the caller's buffer is the emitter's and could be reused
  modules.push(bytes.slice());
  Object.entries(instance.exports).forEach(([name, value], exportIndex) => {
    if (typeof value === 'function') functions.set(value, { moduleId, exportIndex, name });
  });
}

/** Where a kernel function came from, or null for a function no registered module exports. */
export function kernelFunctionRef(fn: object): KernelFunctionRef | null {
  return functions.get(fn) ?? null;
}

/** The bytes of module `id`. */
export function kernelModuleBytes(id: number): Uint8Array {
  return modules[id];
}
