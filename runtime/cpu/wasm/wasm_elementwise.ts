import type { DataArray } from '../../../graph/ir/index.js';
import type { ScalarExpr } from '../../../ops/elementwise/scalar_expr.js';
import { exprKey } from '../../../ops/elementwise/scalar_expr.js';
import { heapKernelExports, heapOffset, wasmHeap } from './heap.js';
import { buildElementwiseModule, wasmRenders } from './render_wasm.js';
import type { InputKind } from './render_wasm.js';
import { runOnThreads, splitFor, splitRange } from './threads.js';
import type { KernelJob } from './threads.js';
import type { KernelCall } from './thread_pool.js';

type RunFn = (rows: number, colBytes: number, out: number, ...ins: number[]) => void;

/** One compiled module per (expression, input layouts); null where the expression does not render. */
const modules = new Map<string, RunFn | null>();

export function compiledWasmRegionCount(): number {
  return [...modules.values()].filter((m) => m !== null).length;
}

/** Layout of an input from its collapsed strides (rank 1 or 2), or null when the loop cannot take it. */
function kindOf(strides: readonly number[], shape: readonly number[]): InputKind | null {
  if (shape.length === 1) return strides[0] === 1 ? 'full' : strides[0] === 0 ? 'scalar' : null;
  const [s0, s1] = strides;
  if (s1 === 1) return s0 === shape[1] ? 'full' : s0 === 0 ? 'row' : null;
  if (s1 === 0) return s0 === 1 ? 'col' : s0 === 0 ? 'scalar' : null;
  return null;
}

/**
 * Runs a float32 region with the SIMD kernel: inputs are copied into wasm memory (rows padded to
 * a multiple of 4 floats) unless already there, the module computes every element, the result is
 * copied to `out` unless `out` is in wasm memory (then written there directly).
 * Returns false, having done nothing, when the expression or the layout is not one it takes; the
 * caller then runs the JS loop, which computes the same float32 values.
 */
export function wasmElementwise(expr: ScalarExpr, ins: readonly DataArray[], out: Float32Array, shape: readonly number[], strides: readonly (readonly number[])[]): boolean {
  if (shape.length > 2) return false;
  const kinds: InputKind[] = [];
  for (const st of strides) {
    const k = kindOf(st, shape);
    if (!k) return false;
    kinds.push(k);
  }
  const key = `${exprKey(expr)}|${kinds.join(',')}`;
  let run = modules.get(key);
  if (run === undefined) {
    run = null;
    if (wasmRenders(expr)) {
      run = heapKernelExports(() => buildElementwiseModule(expr, kinds), 'JS elementwise loop').run as RunFn;
    }
    modules.set(key, run);
  }
  if (run === null) return false;

  const [rows, cols] = shape.length === 1 ? [1, shape[0]] : shape;
  const colsPad = Math.ceil(cols / 4) * 4;
  // operands already in wasm memory (CPU backend buffers, see heap.ts) are used in place when their
  // rows need no padding; the rest are copied into scratch, the output first
  const resident = (x: DataArray, full: boolean): number => (x instanceof Float32Array && (!full || colsPad === cols) ? heapOffset(x) : -1);
  const outAt = resident(out, true);
  const inAt = kinds.map((k, a) => (k === 'scalar' ? -1 : resident(ins[a], k !== 'col')));
  const sizes = kinds.map((k, a) => (inAt[a] >= 0 ? 0 : k === 'full' ? rows * colsPad : k === 'row' ? colsPad : k === 'col' ? rows : 4));
  let top = outAt >= 0 ? 0 : rows * colsPad;
  const at: number[] = [];
  for (const s of sizes) {
    at.push(top);
    top += s;
  }
  const heap = wasmHeap();
  const base = heap.scratch(top * 4 + 16, `an elementwise region over [${shape.join(',')}]`) / 4;
  const F = heap.f32();
  kinds.forEach((k, a) => {
    at[a] += base;
    if (inAt[a] >= 0) return;
    const x = ins[a] as Float32Array;
    if (k === 'scalar') F[at[a]] = x[0];
    else if (k === 'full' && colsPad !== cols) for (let r = 0; r < rows; r++) F.set(x.subarray(r * cols, (r + 1) * cols), at[a] + r * colsPad);
    else F.set(x.subarray(0, k === 'full' ? rows * cols : k === 'row' ? cols : rows), at[a]);
  });
  runOnThreads(elementwiseCalls(run, kinds, rows, colsPad, outAt >= 0 ? outAt : base * 4, at.map((v, a) => (inAt[a] >= 0 ? inAt[a] : v * 4))));
  if (outAt >= 0) return true;
  if (colsPad === cols) out.set(F.subarray(base, base + rows * cols));
  else for (let r = 0; r < rows; r++) out.set(F.subarray(base + r * colsPad, base + r * colsPad + cols), r * cols);
  return true;
}

/** Floats per piece of a split region: about 40 µs of a transcendental region on one core. */
const PIECE_FLOATS = 1 << 15;

/**
 * The region's run calls (byte offsets: the output and each input), one piece per block: by rows, or, when every input is full or scalar
 * (the padded rows then lie end to end), by chunks of the flat array in multiples of 4 floats.
 * Each element is computed by the same instructions whatever the split.
 */
function elementwiseCalls(run: RunFn, kinds: readonly InputKind[], rows: number, colsPad: number, outB: number, inB: readonly number[]): KernelJob {
  const flat = kinds.every((k) => k === 'full' || k === 'scalar');
  const units = flat ? (rows * colsPad) / 4 : rows;
  const split = splitFor(rows * colsPad * (kinds.length + 1), units);
  const { threads } = split;
  // split among threads, pieces of about PIECE_FLOATS: whoever finishes first then waits at most
  // one small piece for the other (a worker wakes tens of microseconds late, and a core may be busy)
  const pieces = threads > 1 ? Math.min(units, Math.max(split.pieces, Math.ceil((rows * colsPad) / PIECE_FLOATS))) : 1;
  const lists: KernelCall[][] = [];
  for (let t = 0; t < pieces; t++) {
    const [u0, u1] = splitRange(units, pieces, t);
    if (flat) {
      // one "row" of the chunk's floats; full inputs start at the chunk, scalars stay
      const f0 = u0 * 4;
      lists.push([{ fn: run, args: [1, (u1 - u0) * 16, outB + f0 * 4, ...kinds.map((k, a) => (k === 'full' ? inB[a] + f0 * 4 : inB[a]))] }]);
    } else {
      const shift = (k: InputKind, a: number): number => (k === 'full' ? inB[a] + u0 * colsPad * 4 : k === 'col' ? inB[a] + u0 * 4 : inB[a]);
      lists.push([{ fn: run, args: [u1 - u0, colsPad * 4, outB + u0 * colsPad * 4, ...kinds.map(shift)] }]);
    }
  }
  return { pieces: lists, threads };
}
