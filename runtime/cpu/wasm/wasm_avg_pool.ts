import type { Geometry } from '../../../ops/nn/conv_params.js';
import { buildAvgPoolModule } from './avg_pool_module.js';
import { heapKernelExports, wasmHeap } from './heap.js';

type PoolFn = (...args: number[]) => void;
let fns: { avgPool: PoolFn; avgPoolGrad: PoolFn } | null = null;

function avgPoolKernels(): { avgPool: PoolFn; avgPoolGrad: PoolFn } {
  if (fns) return fns;
  const ex = heapKernelExports(buildAvgPoolModule, 'JS pooling');
  fns = { avgPool: ex.avgPool as PoolFn, avgPoolGrad: ex.avgPoolGrad as PoolFn };
  return fns;
}

/** Runs one of the two over `src` (its own length) into a zeroed `size`-element result. */
function run(which: 'avgPool' | 'avgPoolGrad', src: Float32Array, size: number, g: Geometry): Float32Array | null {
  if (g.dh !== 1 || g.dw !== 1) return null;
  const fn = avgPoolKernels()[which];
  const heap = wasmHeap();
  const dstAt = Math.ceil(src.length / 4) * 4;
  const s = heap.scratch((dstAt + size) * 4, `${which === 'avgPool' ? 'AvgPool' : 'AvgPoolGrad'} over [${g.n},${g.h},${g.w},${g.c}]`) / 4;
  const F = heap.f32();
  F.set(src, s);
  F.fill(0, s + dstAt, s + dstAt + size);
  fn(s * 4, (s + dstAt) * 4, g.n, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.pt, g.pl);
  return heap.f32().slice(s + dstAt, s + dstAt + size);
}

/** AvgPool on NHWC in wasm, bit for bit the JS kernel (avg_pool_module.ts); null for dilated windows. */
export function wasmAvgPool(x: Float32Array, g: Geometry): Float32Array | null {
  return run('avgPool', x, g.n * g.oh * g.ow * g.c, g);
}

/** AvgPoolGrad (dx from dy) on NHWC in wasm, bit for bit the JS kernel; null for dilated windows. */
export function wasmAvgPoolGrad(dy: Float32Array, g: Geometry): Float32Array | null {
  if (dy.length !== g.n * g.oh * g.ow * g.c) return null;
  return run('avgPoolGrad', dy, g.n * g.h * g.w * g.c, g);
}
