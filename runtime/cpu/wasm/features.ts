import { ModuleBuilder } from './module.js';
import { wasmApi } from './wasm_api.js';

/** What this engine's WebAssembly can do, found by validating tiny modules (never by UA sniffing). */
export interface WasmFeatures {
  /** 128-bit SIMD (v128, f32x4): the wasm kernels need it. */
  readonly simd: boolean;
  /** Relaxed SIMD's fused multiply-add: used in the gemm when present, mul+add otherwise. */
  readonly relaxedMadd: boolean;
}

let detected: WasmFeatures | null = null;

export function wasmFeatures(): WasmFeatures {
  if (detected) return detected;
  const wasm = wasmApi();
  const validates = (body: (m: ModuleBuilder) => void): boolean => {
    if (!wasm) return false;
    try {
      const m = new ModuleBuilder();
      body(m);
      return wasm.validate(m.bytes());
    } catch {
      return false;
    }
  };
  const simd = validates((m) => {
    const { f } = m.func('f', ['i32'], ['v128']);
    f.get(f.param(0, 'i32')).simdMem('v128.load').f32x4([1, 2, 3, 4]).simd('f32x4.mul');
  });
  const relaxedMadd = simd && validates((m) => {
    const { f } = m.func('f', ['v128'], ['v128']);
    const x = f.param(0, 'v128');
    f.get(x).get(x).get(x).simd('f32x4.relaxed_madd');
  });
  detected = { simd, relaxedMadd };
  return detected;
}
