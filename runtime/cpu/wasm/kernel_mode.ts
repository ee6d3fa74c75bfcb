import { InvalidArgumentError } from '../../../graph/ir/index.js';
import { wasmFeatures } from './features.js';

/**
 * Which CPU kernels run: 'wasm' (WebAssembly SIMD where a kernel has one), 'js' (the portable
 * TypedArray kernels), or 'auto' (wasm when the engine validates SIMD, else js).
 */
export type CpuKernelMode = 'auto' | 'wasm' | 'js';

/** `TG_CPU_KERNELS=js` makes 'auto' mean the JS kernels, e.g. to run the whole suite on them. */
function envDefault(): CpuKernelMode {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TG_CPU_KERNELS;
  return env === 'js' || env === 'wasm' ? env : 'auto';
}

const DEFAULT = envDefault();

/**
 * Resolves a mode to whether the wasm kernels run. 'wasm' on an engine without SIMD is an error
 * rather than a silent fallback, so a test that asks for wasm really runs it.
 */
export function resolveKernelMode(mode: CpuKernelMode | undefined): boolean {
  const m = mode === undefined || mode === 'auto' ? DEFAULT : mode;
  if (m === 'js') return false;
  const simd = wasmFeatures().simd;
  if (m === 'wasm' && !simd) throw new InvalidArgumentError("CPU kernels 'wasm' asked for, but this engine has no WebAssembly SIMD");
  return simd;
}

let current = resolveKernelMode('auto');

/** Whether the kernel now running may use wasm (set by the backend around each dispatch). */
export function wasmKernelsOn(): boolean {
  return current;
}

/** Runs a synchronous kernel call with the given choice, restoring the previous one after. */
export function withWasmKernels<T>(on: boolean, fn: () => T): T {
  const before = current;
  current = on;
  try {
    return fn();
  } finally {
    current = before;
  }
}
