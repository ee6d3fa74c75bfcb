import { InternalError } from '../../../graph/ir/index.js';
import type { DataArray } from '../../../graph/ir/index.js';
import { wasmFeatures } from './features.js';
import { buildGemmModule, NR } from './gemm_module.js';
import { heapOffset, wasmHeap } from './heap.js';
import { mirrorOf } from './mirrors.js';
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
 * Floats of scratch `wasmGemm` lays out after `base`: C when it is copied in, A and B unless
 * resident, and one packed B block. A caller that passes `base` reserves this much after it.
 */
export function gemmScratchFloats(m: number, k: number, n: number, aResident: boolean, bResident: boolean, cResident: boolean): number {
  const mPad = Math.ceil(m / MR) * MR;
  const nPad = Math.ceil(n / NR) * NR;
  return (cResident ? 0 : mPad * nPad) + (aResident ? 0 : mPad * k) + (bResident ? 0 : k * nPad) + Math.min(k, KC) * nPad * packCopies(mPad, nPad, k);
}

/**
 * C[m,n] += A[m,k]·B[k,n] (float32, C row-major at cOff) with the WebAssembly SIMD kernel.
 * Operands already in wasm memory (CPU backend buffers in the heap's arena, see heap.ts) are read
 * and written in place when their layout is the kernel's: A row-major with m a multiple of MR, B
 * row-major with n a multiple of 8, C likewise. Otherwise A is copied into scratch row-major (a
 * memcpy unless transposed), with zero rows up to a multiple of MR; B row-major with zero columns
 * up to a multiple of 8, then packed by wasm per depth block; C is copied in and out. That is
 * O(mk + kn + mn) copying for O(mnk) work; transposes fold into the copies. The caller checks
 * `wasmFeatures().simd` first. `base`: a float offset where the caller reserved
 * `gemmScratchFloats` (a conv's scratch); by default the heap's scratch.
 */
export function wasmGemm(a: GemmOperand | ResidentA, b: GemmOperand | ResidentB, c: Float32Array | ResidentC, cOff: number, m: number, k: number, n: number, base?: number): void {
  const { gemm, packB } = gemmKernels();
  const heap = wasmHeap();
  const mPad = Math.ceil(m / MR) * MR;
  const nPad = Math.ceil(n / NR) * NR;
  const kcMax = Math.min(k, KC);
  const aIn = 'residentAt' in a ? a : inHeapA(a, m, k);
  const bIn = 'residentAt' in b ? b : inHeapB(b, n);
  const cIn = c instanceof Float32Array ? inHeapC(c, cOff, m, n) : c;
  const what = `MatMul of [${m},${k}]×[${k},${n}]`;
  const need = gemmScratchFloats(m, k, n, aIn !== null, bIn !== null, cIn !== null);
  const at = base ?? heap.scratch(need * 4, what) / 4;
  // layout in floats from `at`: C (mPad × nPad) unless resident, A (mPad × k) unless resident,
  // B (k × nPad) unless resident, packed B block (kcMax × nPad, one per thread when threads split
  // the rows: gemm_split.ts)
  // (a resident C must hold mPad rows of nPad floats, since the micro-kernel writes whole tiles)
  const cHost = cIn === null ? (c as Float32Array) : null;
  const cAt = cIn === null ? at : cIn.residentAt;
  let free = cHost ? at + mPad * nPad : at;
  const aAt = aIn ? aIn.residentAt : free;
  if (!aIn) free += mPad * k;
  const bAt = bIn ? bIn.residentAt : free;
  const ldb = bIn ? bIn.ld : nPad;
  const pAt = bIn ? free : bAt + k * nPad;
  heap.ensure((pAt + kcMax * nPad * packCopies(mPad, nPad, k)) * 4, what);
  const F = heap.f32();

  if (cHost && n === nPad) F.set(cHost.subarray(cOff, cOff + m * n), cAt);
  else if (cHost) for (let i = 0; i < m; i++) F.set(cHost.subarray(cOff + i * n, cOff + i * n + n), cAt + i * nPad);
  if (!aIn) {
    copyRows(a as GemmOperand, F, aAt, m, k, k);
    F.fill(0, aAt + m * k, aAt + mPad * k);
  }
  if (!bIn) copyRows(b as GemmOperand, F, bAt, k, n, nPad);

  runOnThreads(gemmCalls({ gemm, packB }, { aAt, bAt, ldb, pAt, cAt, k, mPad, nPad, kcMax }));
  if (!cHost) return;
  if (n === nPad) cHost.set(F.subarray(cAt, cAt + m * n), cOff);
  else for (let i = 0; i < m; i++) cHost.set(F.subarray(cAt + i * nPad, cAt + i * nPad + n), cOff + i * n);
}

/** A in wasm memory already, row-major with whole MR-row tiles: read in place. */
function inHeapA(a: GemmOperand, m: number, k: number): ResidentA | null {
  if (!(a.data instanceof Float32Array) || a.cs !== 1 || a.rs !== k || m % MR !== 0) return null;
  const at = heapOffset(a.data);
  return at < 0 ? null : { residentAt: at / 4 + a.off };
}

/**
 * B in wasm memory already, row-major with n a multiple of 8: packed straight from there. A B the
 * plan holds run after run (weights, a filter) is kept there as a mirror (mirrors.ts).
 */
function inHeapB(b: GemmOperand, n: number): ResidentB | null {
  if (!(b.data instanceof Float32Array) || b.cs !== 1 || b.rs !== n || n % NR !== 0) return null;
  let at = heapOffset(b.data);
  if (at < 0) at = mirrorOf(b.data);
  return at < 0 ? null : { residentAt: at / 4 + b.off, ld: n };
}

/** C in wasm memory already, with whole tiles (m a multiple of MR, n of 8): accumulated in place. */
function inHeapC(c: Float32Array, cOff: number, m: number, n: number): ResidentC | null {
  if (n % NR !== 0 || m % MR !== 0) return null;
  const at = heapOffset(c);
  return at < 0 ? null : { residentAt: at / 4 + cOff };
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
