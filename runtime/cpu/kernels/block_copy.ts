import { DataArray, stridesOf } from '../../../graph/ir/index.js';

/**
 * The copy loops shared by the array kernels. Arrays are row-major; every op here reduces to
 * contiguous chunks (concat, split, pack, tile) or to a strided box (slice, strided slice, pad and
 * their gradients).
 */

/** dst = for each of `outer` rows, the chunk of every source in turn (ConcatV2, Pack). */
export function concatChunks(srcs: readonly DataArray[], chunks: readonly number[], outer: number, dst: DataArray): void {
  let o = 0;
  for (let r = 0; r < outer; r++) {
    for (let k = 0; k < srcs.length; k++) {
      const c = chunks[k];
      if (c === 0) continue;
      dst.set(srcs[k].subarray(r * c, r * c + c), o);
      o += c;
    }
  }
}

/** The inverse of concatChunks (SplitV, Unpack). */
export function splitChunks(src: DataArray, chunks: readonly number[], outer: number, dsts: readonly DataArray[]): void {
  let o = 0;
  for (let r = 0; r < outer; r++) {
    for (let k = 0; k < dsts.length; k++) {
      const c = chunks[k];
      if (c === 0) continue;
      dsts[k].set(src.subarray(o, o + c), r * c);
      o += c;
    }
  }
}

/**
 * Reads the box `begin + k * strides` (k < dims, per axis) of `src` into `dst` in row-major order.
 * Strides may be negative; the caller has clamped the box inside `srcShape`.
 */
export function gatherBox(src: DataArray, srcShape: readonly number[], begin: readonly number[], strides: readonly number[], dims: readonly number[], dst: DataArray): void {
  walkBox(src, srcShape, begin, strides, dims, dst, false);
}

/** Writes `src` (row-major over `dims`) into the box `begin + k * strides` of `dst`. */
export function scatterBox(dst: DataArray, dstShape: readonly number[], begin: readonly number[], strides: readonly number[], dims: readonly number[], src: DataArray): void {
  walkBox(dst, dstShape, begin, strides, dims, src, true);
}

/** An odometer over the box's outer dims with the innermost dim as a tight loop. */
function walkBox(big: DataArray, bigShape: readonly number[], begin: readonly number[], strides: readonly number[], dims: readonly number[], flat: DataArray, write: boolean): void {
  const rank = bigShape.length;
  let total = 1;
  for (const d of dims) total *= d;
  if (total === 0) return;
  if (rank === 0) {
    if (write) big[0] = flat[0];
    else flat[0] = big[0];
    return;
  }
  const bigStrides = stridesOf(bigShape);
  const step = new Array<number>(rank);
  let base = 0;
  for (let i = 0; i < rank; i++) {
    step[i] = strides[i] * bigStrides[i];
    base += begin[i] * bigStrides[i];
  }
  const inner = dims[rank - 1];
  const innerStep = step[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (;;) {
    if (write) for (let j = 0, s = base; j < inner; j++, s += innerStep) big[s] = flat[o++];
    else for (let j = 0, s = base; j < inner; j++, s += innerStep) flat[o++] = big[s];
    let d = rank - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      base += step[d];
      if (idx[d] < dims[d]) break;
      base -= step[d] * dims[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
