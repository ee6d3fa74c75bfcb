import type { DataArray } from '../../../graph/ir/index.js';
import { wasmFeatures } from './features.js';
import { buildGemmModule, NR } from './gemm_module.js';
import { wasmHeap } from './heap.js';
import { instantiate, wasmApi } from './wasm_api.js';
import { InternalError } from '../../../graph/ir/index.js';

/** One operand read in place: element (row, col) at off + row·rs + col·cs (see kernels/gemm.ts). */
export interface GemmOperand {
  readonly data: DataArray;
  readonly off: number;
  readonly rs: number;
  readonly cs: number;
}

/** Rows of the micro-kernel: 4×8 keeps 8 accumulators, which V8 holds in registers (6×8 spills). */
const MR = 4;
/** Depth of a packed block: a B micro-panel of KC·8 floats (8 KiB) stays in L1. */
const KC = 256;
/** Rows of A packed per call: an MC×KC block (96 KiB) stays in L2 while every B panel streams by. */
const MC = MR * 16;

type GemmFn = (pa: number, pb: number, pc: number, ldc: number, mTiles: number, nPanels: number, kc: number) => void;
let kernel: GemmFn | null = null;

function gemmKernel(): GemmFn {
  if (kernel) return kernel;
  const heap = wasmHeap();
  const bytes = buildGemmModule(MR, wasmFeatures().relaxedMadd);
  const api = wasmApi();
  if (!api) throw new InternalError('WebAssembly is not available: the JS gemm should have been chosen');
  const instance = instantiate(api, bytes, heap.memory);
  kernel = instance.exports.gemm as GemmFn;
  return kernel;
}

/**
 * C[m,n] += A[m,k]·B[k,n] (float32, C row-major at cOff) with the WebAssembly SIMD kernel. The
 * operands are packed from their JS arrays into wasm memory (transposes fold into the packing,
 * padding rows and columns are zero), C is copied in and out: O(mk + kn + mn) copying for
 * O(mnk) work. The caller checks `wasmFeatures().simd` first.
 */
export function wasmGemm(a: GemmOperand, b: GemmOperand, c: Float32Array, cOff: number, m: number, k: number, n: number): void {
  const gemm = gemmKernel();
  const heap = wasmHeap();
  const mPad = Math.ceil(m / MR) * MR;
  const nPad = Math.ceil(n / NR) * NR;
  const kcMax = Math.min(k, KC);
  const mcMax = Math.min(mPad, MC);
  // layout in floats: C (mPad × nPad), then the packed A block, then the packed B block
  const cAt = 0;
  const aAt = cAt + mPad * nPad;
  const bAt = aAt + mcMax * kcMax;
  heap.ensure((bAt + nPad * kcMax) * 4, `MatMul of [${m},${k}]×[${k},${n}]`);
  const F = heap.f32();

  for (let i = 0; i < m; i++) {
    const src = cOff + i * n;
    F.set(c.subarray(src, src + n), cAt + i * nPad);
  }
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    packB(b, F, bAt, p0, kc, n, nPad);
    for (let i0 = 0; i0 < mPad; i0 += MC) {
      const mc = Math.min(MC, mPad - i0);
      packA(a, F, aAt, i0, mc, m, p0, kc);
      gemm(aAt * 4, bAt * 4, (cAt + i0 * nPad) * 4, nPad * 4, mc / MR, nPad / NR, kc);
    }
  }
  for (let i = 0; i < m; i++) {
    const src = cAt + i * nPad;
    c.set(F.subarray(src, src + n), cOff + i * n);
  }
}

/** Rows [i0, i0+mc) of A, depth [p0, p0+kc), as MR-row panels, k-major; rows past m are zero. */
function packA(a: GemmOperand, F: Float32Array, at: number, i0: number, mc: number, m: number, p0: number, kc: number): void {
  const A = a.data;
  for (let r = 0; r < mc; r++) {
    const i = i0 + r;
    let dst = at + Math.floor(r / MR) * MR * kc + (r % MR);
    if (i >= m) {
      for (let p = 0; p < kc; p++, dst += MR) F[dst] = 0;
      continue;
    }
    let src = a.off + i * a.rs + p0 * a.cs;
    for (let p = 0; p < kc; p++, dst += MR, src += a.cs) F[dst] = A[src];
  }
}

/** Depth [p0, p0+kc) of B as 8-column panels, k-major; columns past n are zero. */
function packB(b: GemmOperand, F: Float32Array, at: number, p0: number, kc: number, n: number, nPad: number): void {
  const B = b.data;
  for (let p = 0; p < kc; p++) {
    let src = b.off + (p0 + p) * b.rs;
    const row = at + p * NR;
    let j = 0;
    for (; j < n; j++, src += b.cs) F[row + (j >> 3) * NR * kc + (j & 7)] = B[src];
    for (; j < nPad; j++) F[row + (j >> 3) * NR * kc + (j & 7)] = 0;
  }
}
