import { allocData } from './dtype.js';
import { NDArray } from './ndarray.js';
import { stridesOf } from './shape.js';

/** Permutes the axes of `x` (out dim i = x dim perm[i]), copying into a new row-major array. */
export function transposeArray(x: NDArray, perm: readonly number[]): NDArray {
  const rank = x.rank;
  const outShape = perm.map((p) => x.shape[p]);
  if (perm.every((p, i) => p === i) || x.size <= 1) return new NDArray(x.dtype, outShape, x.data);
  const inStrides = stridesOf(x.shape);
  const src = x.data;
  const dst = allocData(x.dtype, x.size);
  const stride = perm.map((p) => inStrides[p]);
  if (rank === 2) {
    const [r, c] = outShape;
    const [s0, s1] = stride;
    // tiles keep both the reads and the writes cache-friendly
    const T = 32;
    for (let i0 = 0; i0 < r; i0 += T) {
      const iEnd = Math.min(i0 + T, r);
      for (let j0 = 0; j0 < c; j0 += T) {
        const jEnd = Math.min(j0 + T, c);
        for (let i = i0; i < iEnd; i++) {
          let o = i * c + j0;
          let s = i * s0 + j0 * s1;
          for (let j = j0; j < jEnd; j++, o++, s += s1) dst[o] = src[s];
        }
      }
    }
    return new NDArray(x.dtype, outShape, dst);
  }
  // general rank: an odometer over the output, with the innermost dim as a tight loop
  const inner = outShape[rank - 1];
  const innerStride = stride[rank - 1];
  const idx = new Array<number>(rank - 1).fill(0);
  let base = 0;
  let o = 0;
  const n = x.size;
  while (o < n) {
    for (let j = 0, s = base; j < inner; j++, s += innerStride) dst[o++] = src[s];
    let d = rank - 2;
    while (d >= 0) {
      idx[d]++;
      base += stride[d];
      if (idx[d] < outShape[d]) break;
      base -= stride[d] * outShape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
  return new NDArray(x.dtype, outShape, dst);
}
