import { allocData, NDArray, sizeOf } from '../../../graph/ir/index.js';
import type { ResolvedOutput } from '../../../ops/op_def.js';

/** A fresh zeroed array for a resolved output. */
export function alloc(out: ResolvedOutput): NDArray {
  return new NDArray(out.dtype, out.shape, allocData(out.dtype, sizeOf(out.shape)));
}

/** A new NDArray over the same data with another shape (no copy; arrays are never mutated). */
export function withShape(x: NDArray, shape: readonly number[], dtype = x.dtype): NDArray {
  // Reshape, ExpandDims and Squeeze of strings share the element list as they share a TypedArray
  return new NDArray(dtype, shape, x.dtype === 'string' ? x.bytes : x.data);
}
