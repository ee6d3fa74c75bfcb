import { InternalError } from '../../../graph/ir/index.js';
import { wasmHeap } from './heap.js';
import { buildReduceModule } from './reduce_module.js';
import type { WasmReduceKind } from './reduce_module.js';
import { instantiate, wasmApi } from './wasm_api.js';

type ReduceFn = (x: number, y: number, outer: number, red: number, inner: number) => void;
let fns: Record<WasmReduceKind, ReduceFn> | null = null;

function reduceKernels(): Record<WasmReduceKind, ReduceFn> {
  if (fns) return fns;
  const api = wasmApi();
  if (!api) throw new InternalError('WebAssembly is not available: the JS reductions should have been chosen');
  const ex = instantiate(api, buildReduceModule(), wasmHeap().memory).exports;
  fns = { sum: ex.reduceSum as ReduceFn, mean: ex.reduceMean as ReduceFn, max: ex.reduceMax as ReduceFn, min: ex.reduceMin as ReduceFn };
  return fns;
}

/**
 * Sum, mean, max or min of float32 `x` viewed as [outer, red, inner] over the middle axis, in
 * wasm; bit for bit the JS kernel's values. Null where it does not pay or apply (inner < 2: a
 * last-axis reduction folds one chain per row, which the lanes cannot split without changing the
 * order of the additions; other kinds), so the JS kernel runs.
 */
export function wasmReduce(x: ArrayLike<unknown>, outer: number, red: number, inner: number, kind: string): Float32Array | null {
  if (!(x instanceof Float32Array) || inner < 2 || !isWasmKind(kind) || x.length !== outer * red * inner) return null;
  const fn = reduceKernels()[kind];
  const size = outer * inner;
  const yAt = Math.ceil(x.length / 4) * 4;
  const heap = wasmHeap();
  heap.ensure((yAt + size) * 4, `reduce ${kind} over [${outer},${red},${inner}]`);
  heap.f32().set(x, 0);
  fn(0, yAt * 4, outer, red, inner);
  return heap.f32().slice(yAt, yAt + size);
}

function isWasmKind(kind: string): kind is WasmReduceKind {
  return kind === 'sum' || kind === 'mean' || kind === 'max' || kind === 'min';
}
