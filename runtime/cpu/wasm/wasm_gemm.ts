import { InternalError } from '../../../graph/ir/index.js';
import type { DataArray } from '../../../graph/ir/index.js';
import { wasmFeatures } from './features.js';
import { buildGemmModule, NR } from './gemm_module.js';
import { wasmHeap } from './heap.js';
import { gemmCalls, KC, MR, packCopies } from './gemm_split.js';
import type { GemmExports } from './gemm_split.js';
import { runOnThreads } from './threads.js';
import { instantiate, wasmApi } from './wasm_api.js';

/** One operand read in place: element (row, col) at off + row·rs + col·cs (see kernels/gemm.ts). */
export interface GemmOperand {
  readonly data: DataArray;
  readonly off: number;
  readonly rs: number;
  readonly cs: number;
}

/** A left operand already in wasm memory: row-major m×k at this float offset, lda = k. */
export interface ResidentA {
  readonly residentAt: number;
}

/** A right operand already in wasm memory: row-major k×n at this float offset, row stride `ld` (a multiple of 8). */
export interface ResidentB {
  readonly residentAt: number;
  readonly ld: number;
}

/**
 * A result already in wasm memory: row-major at this float offset, m rounded up to MR rows of n
 * rounded up to 8 floats (the gemm's padded tiles), accumulated into in place and left there.
 */
export interface ResidentC {
  readonly residentAt: number;
}

export { MR } from './gemm_split.js';

let kernels: GemmExports | null = null;

function gemmKernels(): GemmExports {
  if (kernels) return kernels;
  const api = wasmApi();
  if (!api) throw new InternalError('WebAssembly is not available: the JS gemm should have been chosen');
  const ex = instantiate(api, buildGemmModule(MR, wasmFeatures().relaxedMadd), wasmHeap().memory).exports;
  kernels = { gemm: ex.gemm as GemmExports['gemm'], packB: ex.packB as GemmExports['packB'] };
  return kernels;
}

/**
 * C[m,n] += A[m,k]·B[k,n] (float32, C row-major at cOff) with the WebAssembly SIMD kernel. A is
 * copied into wasm memory row-major (a memcpy unless transposed), with zero rows up to a multiple
 * of MR; B row-major with zero columns up to a multiple of 8, then packed by wasm per depth block;
 * C is copied in and out. That is O(mk + kn + mn) copying for O(mnk) work; transposes fold into
 * the copies. The caller checks `wasmFeatures().simd` first.
 */
export function wasmGemm(a: GemmOperand | ResidentA, b: GemmOperand | ResidentB, c: Float32Array | ResidentC, cOff: number, m: number, k: number, n: number, base = 0): void {
  const { gemm, packB } = gemmKernels();
  const heap = wasmHeap();
  const mPad = Math.ceil(m / MR) * MR;
  const nPad = Math.ceil(n / NR) * NR;
  const kcMax = Math.min(k, KC);
  // layout in floats from `base`: C (mPad × nPad), A (mPad × k) unless resident, B (k × nPad),
  // packed B block (kcMax × nPad, one per thread when threads split the rows: gemm_split.ts)
  // (C there only when it comes from the host; a resident C must hold mPad rows of nPad floats,
  // since the micro-kernel writes whole tiles)
  const resident = 'residentAt' in a;
  const cHost = c instanceof Float32Array ? c : null;
  const cAt = c instanceof Float32Array ? base : c.residentAt;
  let free = cHost ? base + mPad * nPad : base;
  const aAt = resident ? a.residentAt : free;
  if (!resident) free += mPad * k;
  const bResident = 'residentAt' in b;
  const bAt = bResident ? b.residentAt : free;
  const ldb = bResident ? b.ld : nPad;
  const pAt = bResident ? free : bAt + k * nPad;
  heap.ensure((pAt + kcMax * nPad * packCopies(mPad, nPad, k)) * 4, `MatMul of [${m},${k}]×[${k},${n}]`);
  const F = heap.f32();

  if (cHost && n === nPad) F.set(cHost.subarray(cOff, cOff + m * n), cAt);
  else if (cHost) for (let i = 0; i < m; i++) F.set(cHost.subarray(cOff + i * n, cOff + i * n + n), cAt + i * nPad);
  if (!resident) {
    copyRows(a, F, aAt, m, k, k);
    F.fill(0, aAt + m * k, aAt + mPad * k);
  }
  if (!bResident) copyRows(b, F, bAt, k, n, nPad);

  runOnThreads(gemmCalls({ gemm, packB }, { aAt, bAt, ldb, pAt, cAt, k, mPad, nPad, kcMax }));
  if (!cHost) return;
  if (n === nPad) cHost.set(F.subarray(cAt, cAt + m * n), cOff);
  else for (let i = 0; i < m; i++) cHost.set(F.subarray(cAt + i * nPad, cAt + i * nPad + n), cOff + i * n);
}

/**
 * Writes the rows × cols operand row-major at `at` with row stride `ld` ≥ cols, zeros after each
 * row. A row-major source is a memcpy per row (one for the whole block when contiguous); a
 * transposed one is gathered column by column so its reads stay sequential.
 */
function copyRows(x: GemmOperand, F: Float32Array, at: number, rows: number, cols: number, ld: number): void {
  const X = x.data;
  if (x.cs === 1 && X instanceof Float32Array) {
    if (x.rs === cols && ld === cols) F.set(X.subarray(x.off, x.off + rows * cols), at);
    else for (let i = 0; i < rows; i++) F.set(X.subarray(x.off + i * x.rs, x.off + i * x.rs + cols), at + i * ld);
  } else {
    for (let j = 0; j < cols; j++) {
      let src = x.off + j * x.cs;
      let dst = at + j;
      for (let i = 0; i < rows; i++, src += x.rs, dst += ld) F[dst] = X[src];
    }
  }
  if (ld > cols) for (let i = 0; i < rows; i++) F.fill(0, at + i * ld + cols, at + (i + 1) * ld);
}
