import { NDArray, transposeArray } from '../../../graph/ir/index.js';
import { type DataFormat, nhwcShape } from '../../../ops/nn/conv_params.js';
import type { PoolParams } from '../../../ops/nn/pool_params.js';

/* The CPU's convolution and pool kernels compute in NHWC; an NCHW op pays one transpose each way. */

/** Data of a rank-4 array in NHWC order (a copy only for NCHW). */
export function toNHWC(x: NDArray, format: DataFormat): Float32Array {
  return (format === 'NHWC' ? x : transposeArray(x, [0, 2, 3, 1])).data as Float32Array;
}

/** An NHWC result as an array in `format`. */
export function fromNHWC(data: Float32Array, shapeNHWC: readonly number[], format: DataFormat): NDArray {
  const a = new NDArray('float32', shapeNHWC, data);
  return format === 'NHWC' ? a : transposeArray(a, [0, 3, 1, 2]);
}

/** Runs an NHWC computation on arrays in the op's data format. */
export function inNHWC(p: PoolParams, outShape: readonly number[], compute: (...xs: Float32Array[]) => Float32Array, ...args: NDArray[]): NDArray {
  return fromNHWC(compute(...args.map((a) => toNHWC(a, p.format))), nhwcShape(outShape, p.format), p.format);
}
