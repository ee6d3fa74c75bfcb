import { InternalError } from '../../../graph/ir/index.js';
import type { DataArray } from '../../../graph/ir/index.js';
import type { ScalarExpr } from '../../../ops/elementwise/scalar_expr.js';
import { exprKey } from '../../../ops/elementwise/scalar_expr.js';
import { wasmHeap } from './heap.js';
import { buildElementwiseModule, wasmRenders } from './render_wasm.js';
import type { InputKind } from './render_wasm.js';
import { runOnThreads, splitFor, splitRange } from './threads.js';
import type { KernelJob } from './threads.js';
import type { KernelCall } from './thread_pool.js';
import { instantiate, wasmApi } from './wasm_api.js';

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
 * a multiple of 4 floats), the module computes every element, the result is copied to `out`.
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
      const api = wasmApi();
      if (!api) throw new InternalError('WebAssembly is not available: the JS elementwise loop should have been chosen');
      run = instantiate(api, buildElementwiseModule(expr, kinds), wasmHeap().memory).exports.run as RunFn;
    }
    modules.set(key, run);
  }
  if (run === null) return false;

  const [rows, cols] = shape.length === 1 ? [1, shape[0]] : shape;
  const colsPad = Math.ceil(cols / 4) * 4;
  const sizes = kinds.map((k) => (k === 'full' ? rows * colsPad : k === 'row' ? colsPad : k === 'col' ? rows : 4));
  const at: number[] = [];
  let top = rows * colsPad; // the output first
  for (const s of sizes) {
    at.push(top);
    top += s;
  }
  const heap = wasmHeap();
  heap.ensure(top * 4 + 16, `an elementwise region over [${shape.join(',')}]`);
  const F = heap.f32();
  kinds.forEach((k, a) => {
    const x = ins[a] as Float32Array;
    if (k === 'scalar') F[at[a]] = x[0];
    else if (k === 'full' && colsPad !== cols) for (let r = 0; r < rows; r++) F.set(x.subarray(r * cols, (r + 1) * cols), at[a] + r * colsPad);
    else F.set(x.subarray(0, k === 'full' ? rows * cols : k === 'row' ? cols : rows), at[a]);
  });
  runOnThreads(elementwiseCalls(run, kinds, rows, colsPad, at));
  if (colsPad === cols) out.set(F.subarray(0, rows * cols));
  else for (let r = 0; r < rows; r++) out.set(F.subarray(r * colsPad, r * colsPad + cols), r * cols);
  return true;
}

/**
 * The region's run calls, one piece per block: by rows, or, when every input is full or scalar
 * (the padded rows then lie end to end), by chunks of the flat array in multiples of 4 floats.
 * Each element is computed by the same instructions whatever the split.
 */
function elementwiseCalls(run: RunFn, kinds: readonly InputKind[], rows: number, colsPad: number, at: readonly number[]): KernelJob {
  const flat = kinds.every((k) => k === 'full' || k === 'scalar');
  const units = flat ? (rows * colsPad) / 4 : rows;
  const { threads, pieces } = splitFor(rows * colsPad * (kinds.length + 1), units);
  const lists: KernelCall[][] = [];
  for (let t = 0; t < pieces; t++) {
    const [u0, u1] = splitRange(units, pieces, t);
    if (flat) {
      // one "row" of the chunk's floats; full inputs start at the chunk, scalars stay
      const f0 = u0 * 4;
      lists.push([{ fn: run, args: [1, (u1 - u0) * 16, f0 * 4, ...kinds.map((k, a) => (k === 'full' ? at[a] + f0 : at[a]) * 4)] }]);
    } else {
      const shift = (k: InputKind, a: number): number => (k === 'full' ? at[a] + u0 * colsPad : k === 'col' ? at[a] + u0 : at[a]) * 4;
      lists.push([{ fn: run, args: [u1 - u0, colsPad * 4, u0 * colsPad * 4, ...kinds.map(shift)] }]);
    }
  }
  return { pieces: lists, threads };
}
