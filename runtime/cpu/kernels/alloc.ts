import { allocData, NDArray, sizeOf } from '../../../graph/ir/index.js';
import type { DataArray, DType } from '../../../graph/ir/index.js';
import type { ResolvedOutput } from '../../../ops/op_def.js';

/** Where the running step's run-scoped output may go: a buffer of this dtype and size, or null. */
export type OwnedOutputPlace = (dtype: DType, size: number) => DataArray | null;

let owned: ResolvedOutput | null = null;
let place: OwnedOutputPlace | null = null;

/**
 * Runs a synchronous kernel call whose one output (`out`, the step's own resolved output object) the
 * plan proved run-scoped: the kernel's `alloc(out)` takes its buffer from `where` (the backend's
 * arena, so the wasm drivers write it in place) instead of a fresh JS array. Kernels need not know.
 */
export function withOwnedOutput<T>(out: ResolvedOutput, where: OwnedOutputPlace, fn: () => T): T {
  const [o, p] = [owned, place];
  owned = out;
  place = where;
  try {
    return fn();
  } finally {
    owned = o;
    place = p;
  }
}

/** A fresh zeroed array for a resolved output (in the backend's arena when it is the step's run-scoped output). */
export function alloc(out: ResolvedOutput): NDArray {
  const size = sizeOf(out.shape);
  if (out === owned && place !== null) {
    // once: another array a kernel makes with the same object is a JS array
    const data = place(out.dtype, size);
    owned = null;
    if (data) return new NDArray(out.dtype, out.shape, data.fill(0));
  }
  return new NDArray(out.dtype, out.shape, allocData(out.dtype, size));
}

/** A new NDArray over the same data with another shape (no copy; arrays are never mutated). */
export function withShape(x: NDArray, shape: readonly number[], dtype = x.dtype): NDArray {
  // Reshape, ExpandDims and Squeeze of strings share the element list as they share a TypedArray
  return new NDArray(dtype, shape, x.dtype === 'string' ? x.bytes : x.data);
}
