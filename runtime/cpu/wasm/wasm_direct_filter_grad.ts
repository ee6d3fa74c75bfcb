import type { Geometry } from '../../../ops/nn/conv_params.js';
import { wasmFeatures } from './features.js';
import { buildFilterGradModule } from './filter_grad_module.js';
import { heapKernelExports, heapOffset, wasmHeap } from './heap.js';
import type { KernelCall } from './thread_pool.js';
import { runOnThreads, splitFor, splitRange } from './threads.js';
import { filterGradChunkRows } from './wasm_conv.js';
import { imageInHeap } from './wasm_direct_conv.js';

type Fn = (...args: number[]) => void;
const fns = new Map<boolean, Fn>();

function kernel(fma: boolean): Fn {
  const have = fns.get(fma);
  if (have) return have;
  const fn = heapKernelExports(() => buildFilterGradModule(fma), 'JS convolution').filterGrad as Fn;
  fns.set(fma, fn);
  return fn;
}

/** Whether the direct filter gradient takes this conv: output channels a multiple of 4, at most 32 (its sums are vectors over them). */
export function directFilterGradFits(g: Geometry, oc: number): boolean {
  return oc > 0 && oc % 4 === 0 && oc <= 32 && g.kh * g.kw * g.c > 0 && g.n * g.oh * g.ow > 0;
}

/**
 * df[kh, kw, c, oc] += Σ over output pixels of patch · dy, by filter_grad_module.ts: the patches
 * are read from the (zero-padded) image, never written out, in the im2col gemm's chunks and depth
 * blocks, so df has the gemm path's bits (wasm_conv.ts wasmConv2dFilterGrad). Split over the
 * threads by tiles of 4 taps: each tap's sums are computed by one thread, in the one-thread order.
 */
export function wasmDirectFilterGrad(x: Float32Array, dy: Float32Array, g: Geometry, oc: number, df: Float32Array): void {
  const K = g.kh * g.kw * g.c;
  const M = g.n * g.oh * g.ow;
  const fn = kernel(wasmFeatures().relaxedMadd);
  const dyResident = heapOffset(dy);
  const dyFloats = dyResident >= 0 ? 0 : Math.ceil(dy.length / 4) * 4;
  const offFloats = Math.ceil(K / 4) * 4;
  const img = imageInHeap(x, g, offFloats + K * oc + dyFloats, `Conv2DBackpropFilter over [${g.n},${g.h},${g.w},${g.c}]`);
  const heap = wasmHeap();
  const offAt = img.free;
  const cAt = offAt + offFloats;
  const dyAt = dyResident >= 0 ? dyResident / 4 : cAt + K * oc;
  // each tap's byte offset from its window's origin, in the im2col order k = (ky, kx, ci)
  const offs = heap.view32(Int32Array, offAt * 4, K);
  for (let ky = 0, k = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) for (let ci = 0; ci < g.c; ci++, k++) offs[k] = (ky * g.dh * img.rowFloats + kx * g.dw * g.c + ci) * 4;
  const F = heap.f32();
  F.fill(0, cAt, cAt + K * oc);
  if (dyResident < 0) F.set(dy, dyAt);
  const tiles = Math.ceil(K / 4);
  const step = filterGradChunkRows(K, M);
  for (let m0 = 0; m0 < M; m0 += step) {
    const rows = Math.min(step, M - m0);
    const { threads, pieces } = splitFor(rows * K * oc, tiles);
    const lists: KernelCall[][] = [];
    for (let t = 0; t < pieces; t++) {
      const [t0, t1] = splitRange(tiles, pieces, t);
      const k0 = t0 * 4;
      const taps = Math.min(K, t1 * 4) - k0;
      lists.push([{ fn, args: [img.xAt * 4, dyAt * 4, cAt * 4, offAt * 4, k0, taps, m0, rows, g.oh, g.ow, oc, g.sw * g.c * 4, g.sh * img.rowFloats * 4, img.imageFloats * 4] }]);
    }
    runOnThreads({ pieces: lists, threads });
  }
  const C = heap.f32();
  for (let i = 0; i < K * oc; i++) df[i] += C[cAt + i];
}
