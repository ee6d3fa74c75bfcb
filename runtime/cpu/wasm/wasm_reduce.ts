import { heapKernelExports, wasmHeap } from './heap.js';
import { buildReduceModule } from './reduce_module.js';
import { buildReduceRowsModule } from './reduce_rows_module.js';
import type { WasmReduceKind } from './reduce_module.js';

type ReduceFn = (x: number, y: number, outer: number, red: number, inner: number) => void;
type RowsFn = (x: number, y: number, rows: number, red: number) => void;
let fns: { middle: Record<WasmReduceKind, ReduceFn>; rows: Record<WasmReduceKind, RowsFn> } | null = null;

function reduceKernels(): { middle: Record<WasmReduceKind, ReduceFn>; rows: Record<WasmReduceKind, RowsFn> } {
  if (fns) return fns;
  const mid = heapKernelExports(buildReduceModule, 'JS reductions');
  const rows = heapKernelExports(buildReduceRowsModule, 'JS reductions');
  fns = {
    middle: { sum: mid.reduceSum as ReduceFn, mean: mid.reduceMean as ReduceFn, max: mid.reduceMax as ReduceFn, min: mid.reduceMin as ReduceFn },
    rows: { sum: rows.reduceRowsSum as RowsFn, mean: rows.reduceRowsMean as RowsFn, max: rows.reduceRowsMax as RowsFn, min: rows.reduceRowsMin as RowsFn },
  };
  return fns;
}

/**
 * Sum, mean, max or min of float32 `x` viewed as [outer, red, inner] over the middle axis, in
 * wasm (reduce_module.ts; a last-axis reduction, inner 1, in reduce_rows_module.ts with the lanes
 * across rows); bit for bit the JS kernel's values. Null for other kinds (prod) and other dtypes,
 * so the JS kernel runs.
 */
export function wasmReduce(x: ArrayLike<unknown>, outer: number, red: number, inner: number, kind: string): Float32Array | null {
  if (!(x instanceof Float32Array) || inner < 1 || !isWasmKind(kind) || x.length !== outer * red * inner) return null;
  const size = outer * inner;
  const k = reduceKernels();
  const fn: ReduceFn = inner === 1 ? (xa, ya, o, r) => k.rows[kind](xa, ya, o, r) : k.middle[kind];
  const yAt = Math.ceil(x.length / 4) * 4;
  const heap = wasmHeap();
  const s = heap.scratch((yAt + size) * 4, `reduce ${kind} over [${outer},${red},${inner}]`) / 4;
  heap.f32().set(x, s);
  fn(s * 4, (s + yAt) * 4, outer, red, inner);
  return heap.f32().slice(s + yAt, s + yAt + size);
}

function isWasmKind(kind: string): kind is WasmReduceKind {
  return kind === 'sum' || kind === 'mean' || kind === 'max' || kind === 'min';
}
