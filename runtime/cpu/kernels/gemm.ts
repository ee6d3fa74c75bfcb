import type { DataArray } from '../../../graph/ir/index.js';
import { wasmKernelsOn } from '../wasm/kernel_mode.js';
import { wasmGemm } from '../wasm/wasm_gemm.js';

/**
 * One operand of a product, read in place: element (row, col) is at off + row·rs + col·cs, so a
 * transposed operand is the same data with its strides swapped and is never copied.
 */
export interface MatView {
  readonly data: DataArray;
  readonly off: number;
  readonly rs: number;
  readonly cs: number;
}

/** Below this many multiply-adds the packing costs more than it saves. */
const SMALL = 4096;
/** Depth of one packed block: an A strip and a B strip of this depth stay in cache. */
const KC = 512;

// packing buffers, grown on demand and reused (kernels run one at a time)
let packA = new Float64Array(0);
let packB = new Float64Array(0);

/**
 * C[m,n] += A[m,k] · B[k,n] into row-major C at cOff, or with `mode` 'set' C = A·B whatever C
 * held (a MatMul's output: the wasm driver then need not copy C in). Floats go through a packed
 * kernel: the WebAssembly SIMD one (float32 accumulation, as TF's CPU gemm), or the JS one where
 * wasm is off (float64 accumulation within a depth block). Ints use a plain loop whose doubles wrap
 * to int32 on store, like TF's int matmul.
 */
export function gemm(a: MatView, b: MatView, c: Float32Array | Int32Array, cOff: number, m: number, k: number, n: number, mode: 'add' | 'set' = 'add'): void {
  if (m === 0 || n === 0) return;
  const wasm = c instanceof Float32Array && k > 0 && m * n * k >= SMALL && wasmKernelsOn();
  // the JS kernels accumulate: 'set' is 'add' into zeros (0 + x, as the wasm kernel's first block)
  if (mode === 'set' && !wasm) c.fill(0, cOff, cOff + m * n);
  if (k === 0) return;
  if (!(c instanceof Float32Array) || m * n * k < SMALL) plainGemm(a, b, c, cOff, m, k, n);
  else if (wasm) wasmGemm(a, b, c, cOff, m, k, n, undefined, mode);
  else packedGemm(a, b, c, cOff, m, k, n);
}

function plainGemm(a: MatView, b: MatView, c: Float32Array | Int32Array, cOff: number, m: number, k: number, n: number): void {
  const A = a.data;
  const B = b.data;
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const av = A[a.off + i * a.rs + p * a.cs];
      let q = b.off + p * b.rs;
      for (let j = 0; j < n; j++, q += b.cs) row[j] += av * B[q];
    }
    const o = cOff + i * n;
    for (let j = 0; j < n; j++) c[o + j] += row[j];
  }
}

/**
 * The GotoBLAS shape in miniature: for each depth block, A is packed into 4-row panels and B into
 * 4-column panels (float64, contiguous along k), then a 4×4 block of C is accumulated in sixteen
 * locals, which V8 keeps in registers: 8 loads feed 16 multiply-adds.
 */
function packedGemm(a: MatView, b: MatView, c: Float32Array, cOff: number, m: number, k: number, n: number): void {
  const mp = (m + 3) >> 2;
  const np = (n + 3) >> 2;
  const kcMax = Math.min(k, KC);
  if (packA.length < mp * 4 * kcMax) packA = new Float64Array(mp * 4 * kcMax);
  if (packB.length < np * 4 * kcMax) packB = new Float64Array(np * 4 * kcMax);
  const PA = packA;
  const PB = packB;
  const A = a.data;
  const B = b.data;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    // padding lanes of the last panels keep stale values: they only reach discarded accumulators
    for (let i = 0; i < m; i++) {
      let dst = (i >> 2) * 4 * kc + (i & 3);
      let src = a.off + i * a.rs + p0 * a.cs;
      for (let p = 0; p < kc; p++, dst += 4, src += a.cs) PA[dst] = A[src];
    }
    for (let j = 0; j < n; j++) {
      let dst = (j >> 2) * 4 * kc + (j & 3);
      let src = b.off + p0 * b.rs + j * b.cs;
      for (let p = 0; p < kc; p++, dst += 4, src += b.rs) PB[dst] = B[src];
    }
    for (let ip = 0; ip < mp; ip++) {
      const i0 = ip * 4;
      const rows = Math.min(4, m - i0);
      for (let jp = 0; jp < np; jp++) {
        const j0 = jp * 4;
        microKernel(PA, ip * 4 * kc, PB, jp * 4 * kc, kc, c, cOff + i0 * n + j0, n, rows, Math.min(4, n - j0));
      }
    }
  }
}

function microKernel(PA: Float64Array, pa: number, PB: Float64Array, pb: number, kc: number, c: Float32Array, o: number, n: number, rows: number, cols: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++, pa += 4, pb += 4) {
    const a0 = PA[pa], a1 = PA[pa + 1], a2 = PA[pa + 2], a3 = PA[pa + 3];
    const b0 = PB[pb], b1 = PB[pb + 1], b2 = PB[pb + 2], b3 = PB[pb + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (rows === 4 && cols === 4) {
    c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += n;
    c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += n;
    c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += n;
    c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
    return;
  }
  const acc = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) for (let s = 0; s < cols; s++) c[o + r * n + s] += acc[r * 4 + s];
}
