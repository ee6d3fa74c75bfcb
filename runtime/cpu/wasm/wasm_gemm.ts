import type { DataArray } from '../../../graph/ir/index.js';
import { wasmFeatures } from './features.js';
import { blockExport, buildGemmModule, NR } from './gemm_module.js';
import { heapKernelExports, heapOffset, wasmHeap } from './heap.js';
import { mirrorOf } from './mirrors.js';
import { gemmCalls, KC, MR, packCopies } from './gemm_split.js';
import type { GemmBlock, GemmExports } from './gemm_split.js';
import { runOnThreads } from './threads.js';

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

/** A right operand already in wasm memory: row-major k×n at this float offset, row stride `ld`. */
export interface ResidentB {
  readonly residentAt: number;
  readonly ld: number;
}

/**
 * A result already in wasm memory: row-major at this float offset, row stride `ld` (by default n
 * rounded up to 8), accumulated into in place and left there. Only the m×n elements are written.
 */
export interface ResidentC {
  readonly residentAt: number;
  readonly ld?: number;
}

export { MR } from './gemm_split.js';

let kernels: GemmExports | null = null;

function gemmKernels(): GemmExports {
  if (kernels) return kernels;
  const ex = heapKernelExports(() => buildGemmModule(MR, wasmFeatures().relaxedMadd), 'JS gemm');
  const blocks: Record<string, GemmBlock> = {};
  for (const rowsAlongK of [false, true]) for (const set of [false, true]) blocks[blockExport(rowsAlongK, set)] = ex[blockExport(rowsAlongK, set)] as GemmBlock;
  kernels = { gemm: ex.gemm as GemmExports['gemm'], packB: ex.packB as GemmExports['packB'], blocks };
  return kernels;
}

/**
 * Floats of scratch `wasmGemm` lays out after `base`: C when it is not in wasm memory, A and B
 * unless resident, and one packed B block per copy. A caller that passes `base` reserves this much.
 */
export function gemmScratchFloats(m: number, k: number, n: number, aResident: boolean, bResident: boolean, cResident: boolean): number {
  const nPad = Math.ceil(n / NR) * NR;
  const parts = [cResident ? 0 : m * n, aResident ? 0 : m * k, bResident ? 0 : k * n];
  return ALIGN + parts.reduce((s, x) => s + aligned(x), 0) + Math.min(k, KC) * nPad * packCopies(m, n, k);
}

/** Floats each scratch part starts on: a cache line, so no packed B row or C vector straddles two. */
const ALIGN = 16;
const aligned = (floats: number): number => Math.ceil(floats / ALIGN) * ALIGN;

/** An operand's place in wasm memory: element (row, col) at at + row·rs + col·cs, floats. */
interface Placed {
  readonly at: number;
  readonly rs: number;
  readonly cs: number;
}

/**
 * C[m,n] (+)= A[m,k]·B[k,n] (float32, C row-major at cOff) with the WebAssembly SIMD kernel.
 * Operands already in wasm memory (CPU backend buffers in the heap's arena, see heap.ts; weights
 * mirrored there, mirrors.ts) are read in place in either layout — a transposed operand is read
 * through its strides, never rearranged in JS — and an in-heap C is written in place. Otherwise
 * an operand is copied in as it is stored (one memcpy for a whole matrix) and C copied out.
 * `mode` 'set' overwrites C (a fresh MatMul output: no copy in), 'add' accumulates into it (the
 * conv backprops). The caller checks `wasmFeatures().simd` first. `base`: a float offset where the
 * caller reserved `gemmScratchFloats` (a conv's scratch); by default the heap's scratch.
 */
export function wasmGemm(a: GemmOperand | ResidentA, b: GemmOperand | ResidentB, c: Float32Array | ResidentC, cOff: number, m: number, k: number, n: number, base?: number, mode: 'add' | 'set' = 'add'): void {
  const ex = gemmKernels();
  const heap = wasmHeap();
  const nPad = Math.ceil(n / NR) * NR;
  const kcMax = Math.min(k, KC);
  const aIn = 'residentAt' in a ? { at: a.residentAt, rs: k, cs: 1 } : inHeap(a, false);
  const bIn = 'residentAt' in b ? { at: b.residentAt, rs: b.ld, cs: 1 } : inHeap(b, true);
  const cHost = c instanceof Float32Array && heapOffset(c) < 0 ? c : null;
  const what = `MatMul of [${m},${k}]×[${k},${n}]`;
  const need = gemmScratchFloats(m, k, n, aIn !== null, bIn !== null, cHost === null);
  const at = base ?? heap.scratch(need * 4, what) / 4;
  // layout in floats from `at`: C (m × n) when copied, A (m × k) when copied, B (k × n) when
  // copied, packed B block (kcMax × nPad, one per thread when threads split the rows: gemm_split.ts)
  let free = aligned(at);
  const cAt = cHost ? free : c instanceof Float32Array ? heapOffset(c) / 4 + cOff : c.residentAt;
  const ldc = c instanceof Float32Array ? n : (c.ld ?? nPad);
  if (cHost) free += aligned(m * n);
  const aAt = free;
  if (!aIn) free += aligned(m * k);
  const bAt = free;
  if (!bIn) free += aligned(k * n);
  heap.ensure((free + kcMax * nPad * packCopies(m, n, k)) * 4, what);
  const F = heap.f32();
  if (cHost && mode === 'add') F.set(cHost.subarray(cOff, cOff + m * n), cAt);
  const A = aIn ?? copyIn(a as GemmOperand, F, aAt, m, k);
  const B = bIn ?? copyIn(b as GemmOperand, F, bAt, k, n);
  runOnThreads(gemmCalls(ex, {
    aAt: A.at, ars: A.rs, acs: A.cs, bAt: B.at, brs: B.rs, bcs: B.cs, pAt: free, cAt, ldc, m, k, n, kcMax, set: mode === 'set',
  }));
  if (cHost) cHost.set(heap.f32().subarray(cAt, cAt + m * n), cOff);
}

/**
 * An operand with a unit stride in wasm memory already (a CPU backend buffer, or for B a mirror of
 * weights the plan holds run after run): read in place.
 */
function inHeap(x: GemmOperand, mirror: boolean): Placed | null {
  if (!(x.data instanceof Float32Array) || (x.cs !== 1 && x.rs !== 1)) return null;
  let at = heapOffset(x.data);
  // only a row-major B, as before transposes were read in place: a training step's weights are
  // read as B and then as Bᵀ in one run, and a second sighting would mirror each new value
  if (at < 0 && mirror && x.cs === 1) at = mirrorOf(x.data);
  return at < 0 ? null : { at: at / 4 + x.off, rs: x.rs, cs: x.cs };
}

/**
 * Copies the rows × cols operand to `at` as it is stored, packed tight: a memcpy for a whole
 * matrix, one per row (or per column of a transposed one) otherwise. An operand with no unit
 * stride (no MatMul makes one) is gathered row-major.
 */
function copyIn(x: GemmOperand, F: Float32Array, at: number, rows: number, cols: number): Placed {
  const X = x.data;
  if (x.cs !== 1 && x.rs !== 1) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) F[at + i * cols + j] = X[x.off + i * x.rs + j * x.cs];
    return { at, rs: cols, cs: 1 };
  }
  // row-major: `lines` rows of `len`; transposed: its columns, each contiguous
  const [lines, len, ld] = x.cs === 1 ? [rows, cols, x.rs] : [cols, rows, x.cs];
  if (ld === len) F.set(X.subarray(x.off, x.off + lines * len), at);
  else for (let i = 0; i < lines; i++) F.set(X.subarray(x.off + i * ld, x.off + i * ld + len), at + i * len);
  return x.cs === 1 ? { at, rs: cols, cs: 1 } : { at, rs: 1, cs: rows };
}
