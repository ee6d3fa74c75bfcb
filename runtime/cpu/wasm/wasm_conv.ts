import type { Geometry } from '../../../ops/nn/conv_params.js';
import { heapKernelExports, heapOffset, wasmHeap } from './heap.js';
import { buildCol2imModule } from './col2im_module.js';
import { NR } from './gemm_module.js';
import { buildIm2colModule } from './im2col_module.js';
import { col2imCalls, im2colCalls } from './conv_split.js';
import { runOnThreads } from './threads.js';
import { gemmScratchFloats, MR, wasmGemm } from './wasm_gemm.js';

type Im2colFn = (...args: number[]) => void;
let im2colFn: Im2colFn | null = null;

function im2col(): Im2colFn {
  if (im2colFn) return im2colFn;
  im2colFn = heapKernelExports(buildIm2colModule, 'JS convolution').im2col as Im2colFn;
  return im2colFn;
}

let col2imFn: Im2colFn | null = null;

function col2im(): Im2colFn {
  if (col2imFn) return col2imFn;
  col2imFn = heapKernelExports(buildCol2imModule, 'JS convolution').col2im as Im2colFn;
  return col2imFn;
}

/**
 * The image where the im2col reads it: in place when it is already in wasm memory, else copied to
 * the start of the scratch. `free`: the first float of scratch after it, `more` floats long.
 */
function imageIn(x: Float32Array, more: number, what: string): { xAt: number; free: number } {
  const heap = wasmHeap();
  const resident = heapOffset(x);
  const xFloats = resident >= 0 ? 0 : Math.ceil(x.length / 4) * 4;
  const s = heap.scratch((xFloats + more) * 4, what) / 4;
  if (resident >= 0) return { xAt: resident / 4, free: s };
  heap.f32().set(x, s);
  return { xAt: s, free: s + xFloats };
}

/** Patch rows per chunk: bounds wasm memory at about 16 MiB of patches. */
const CHUNK = 1 << 22;

/**
 * y[n, oh, ow, oc] = conv(x, f) for an ungrouped NHWC conv: the image is copied into wasm memory
 * once, each chunk of patch rows is built there by the wasm im2col, and the gemm reads it in place
 * (no JS loop touches a patch). `f` is the HWIO filter, already the [K, oc] right-hand side.
 */
export function wasmConv2d(x: Float32Array, f: Float32Array, g: Geometry, oc: number, y: Float32Array): void {
  const K = g.kh * g.kw * g.c;
  const M = g.n * g.oh * g.ow;
  const step = Math.max(MR, Math.min(M, Math.floor(CHUNK / Math.max(K, 1))));
  const stepPad = Math.ceil(step / MR) * MR;
  const heap = wasmHeap();
  const what = `Conv2D over [${g.n},${g.h},${g.w},${g.c}]`;
  const { xAt, free } = imageIn(x, stepPad * K + gemmScratchFloats(stepPad, K, oc, true, false, false), what);
  const pAt = free;
  const after = pAt + stepPad * K;
  const run = im2col();
  for (let m0 = 0; m0 < M; m0 += step) {
    const rows = Math.min(step, M - m0);
    runOnThreads(im2colCalls(run, [xAt * 4, pAt * 4, K * 4, 4, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.c, m0, rows], K));
    const rowsPad = Math.ceil(rows / MR) * MR;
    heap.f32().fill(0, pAt + rows * K, pAt + rowsPad * K);
    wasmGemm({ residentAt: pAt }, { data: f, off: 0, rs: oc, cs: 1 }, y, m0 * oc, rows, K, oc, after);
  }
}

/**
 * Output pixels per chunk of the filter gradient's patches (each chunk is one gemm whose depth
 * blocks restart at its first row; the direct filter gradient keeps the same blocks).
 */
export function filterGradChunkRows(K: number, M: number): number {
  return Math.max(1, Math.min(M, Math.floor(CHUNK / (Math.ceil(K / 8) * 8))));
}

/**
 * df[kh, kw, c, oc] = patchesᵀ · dy for an ungrouped NHWC conv, accumulated over chunks of output
 * pixels, computed as dfᵀ = dyᵀ · patches: the wasm im2col writes each chunk's patches row-major
 * (row stride K rounded up to 8) where the gemm reads them in place as its right operand, dyᵀ is
 * the small left operand, and dfᵀ ([oc, K]) is transposed into df at the end.
 */
export function wasmConv2dFilterGrad(x: Float32Array, dy: Float32Array, g: Geometry, oc: number, df: Float32Array): void {
  const K = g.kh * g.kw * g.c;
  const M = g.n * g.oh * g.ow;
  const ld = Math.ceil(K / 8) * 8;
  const step = filterGradChunkRows(K, M);
  const what = `Conv2DBackpropFilter over [${g.n},${g.h},${g.w},${g.c}]`;
  const { xAt, free } = imageIn(x, ld * step + gemmScratchFloats(oc, step, K, false, true, false), what);
  const pAt = free;
  const after = pAt + ld * step;
  const run = im2col();
  const dfT = new Float32Array(oc * K);
  for (let m0 = 0; m0 < M; m0 += step) {
    const rows = Math.min(step, M - m0);
    runOnThreads(im2colCalls(run, [xAt * 4, pAt * 4, ld * 4, 4, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.c, m0, rows], K));
    wasmGemm({ data: dy, off: m0 * oc, rs: 1, cs: oc }, { residentAt: pAt, ld }, dfT, 0, oc, rows, K, after);
  }
  for (let o = 0; o < oc; o++) for (let k = 0; k < K; k++) df[k * oc + o] += dfT[o * K + k];
}

/**
 * dx[n, h, w, c] += col2im(dy · fᵀ) for an ungrouped NHWC conv, all in wasm memory: dx is zeroed
 * there, fᵀ ([oc, K], row stride K rounded up to 8) is written once as the gemm's resident right
 * operand, and each chunk of patch rows is computed by the gemm into a resident result that the
 * wasm col2im adds back into dx; only dy's chunk is copied in and dx copied out.
 */
export function wasmConv2dBackpropInput(dy: Float32Array, f: Float32Array, g: Geometry, oc: number, dx: Float32Array): void {
  const K = g.kh * g.kw * g.c;
  const M = g.n * g.oh * g.ow;
  const ld = Math.ceil(K / NR) * NR;
  const step = Math.max(MR, Math.min(M, Math.floor(CHUNK / ld)));
  const stepPad = Math.ceil(step / MR) * MR;
  const heap = wasmHeap();
  const dxFloats = Math.ceil(dx.length / 4) * 4;
  const what = `Conv2DBackpropInput into [${g.n},${g.h},${g.w},${g.c}]`;
  const dxAt = heap.scratch((dxFloats + oc * ld + stepPad * ld + gemmScratchFloats(step, oc, K, false, true, true)) * 4, what) / 4;
  const fAt = dxAt + dxFloats;
  const cAt = fAt + oc * ld;
  const after = cAt + stepPad * ld;
  let F = heap.f32();
  F.fill(0, dxAt, dxAt + dx.length);
  F.fill(0, fAt, cAt);
  for (let k = 0; k < K; k++) for (let o = 0; o < oc; o++) F[fAt + o * ld + k] = f[k * oc + o];
  const run = col2im();
  for (let m0 = 0; m0 < M; m0 += step) {
    const rows = Math.min(step, M - m0);
    heap.f32().fill(0, cAt, cAt + Math.ceil(rows / MR) * MR * ld);
    wasmGemm({ data: dy, off: m0 * oc, rs: oc, cs: 1 }, { residentAt: fAt, ld }, { residentAt: cAt }, 0, rows, oc, K, after);
    runOnThreads(col2imCalls(run, [cAt * 4, dxAt * 4, ld * 4, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, m0, rows], K));
  }
  F = heap.f32();
  dx.set(F.subarray(dxAt, dxAt + dx.length));
}
