import { InternalError } from '../../../graph/ir/index.js';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { wasmHeap } from './heap.js';
import { buildPoolModule } from './pool_module.js';
import { instantiate, wasmApi } from './wasm_api.js';

type PoolFn = (...args: number[]) => void;
let pool: PoolFn | null = null;

/**
 * MaxPool forward in wasm for NHWC with channels a multiple of 4; null when it does not apply
 * (the JS kernel then runs, with the same results).
 */
export function wasmMaxPool(x: Float32Array, g: Geometry): Float32Array | null {
  if (g.c % 4 !== 0 || g.c === 0 || g.oh * g.ow * g.n === 0 || g.h === 0 || g.w === 0) return null;
  // every window must hold an element (the JS kernel gives -Inf for an empty one)
  if (g.pt >= g.kh || g.pl >= g.kw || (g.oh - 1) * g.sh - g.pt >= g.h || (g.ow - 1) * g.sw - g.pl >= g.w) return null;
  if (!pool) {
    const api = wasmApi();
    if (!api) throw new InternalError('WebAssembly is not available: the JS pooling should have been chosen');
    pool = instantiate(api, buildPoolModule(), wasmHeap().memory).exports.maxPool as PoolFn;
  }
  const size = g.n * g.oh * g.ow * g.c;
  const heap = wasmHeap();
  heap.ensure((x.length + size) * 4, `MaxPool over [${g.n},${g.h},${g.w},${g.c}]`);
  const F = heap.f32();
  F.set(x, 0);
  pool(0, x.length * 4, g.n, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.pt, g.pl);
  return heap.f32().slice(x.length, x.length + size);
}
