import { allocData, DataArray, DType, NDArray, sizeOf, transposeArray } from '../../../graph/ir/index.js';
import { wasmKernelsOn } from '../wasm/kernel_mode.js';
import { wasmReduce } from '../wasm/wasm_reduce.js';

export type ReduceKind = 'sum' | 'mean' | 'max' | 'min' | 'prod';

/**
 * Reduces `x` over `axes` (normalised, unique). Kept axes are moved to the front when the reduced
 * ones are not one contiguous block, so the loop is always [outer, reduced, inner] with unit
 * stride over `inner`.
 */
export function reduceArray(x: NDArray, axes: readonly number[], kind: ReduceKind, outDType: DType, outShape: readonly number[]): NDArray {
  const sorted = [...axes].sort((a, b) => a - b);
  let src = x;
  let outer: number;
  let red: number;
  let inner: number;
  const contiguous = sorted.every((a, i) => i === 0 || a === sorted[i - 1] + 1);
  if (sorted.length === 0) {
    outer = x.size;
    red = 1;
    inner = 1;
  } else if (contiguous) {
    outer = sizeOf(x.shape.slice(0, sorted[0]));
    red = sizeOf(sorted.map((a) => x.shape[a]));
    inner = sizeOf(x.shape.slice(sorted[sorted.length - 1] + 1));
  } else {
    const kept = x.shape.map((_d, i) => i).filter((i) => !sorted.includes(i));
    src = transposeArray(x, [...kept, ...sorted]);
    outer = sizeOf(kept.map((a) => x.shape[a]));
    red = sizeOf(sorted.map((a) => x.shape[a]));
    inner = 1;
  }
  // nothing reduced (no axes, or only size-1 ones: the gradients of broadcasts): TF copies the
  // input, so -0 stays -0 and no per-element accumulator runs
  if (red === 1 && x.dtype === outDType) return new NDArray(outDType, outShape, src.data.slice());
  if (outDType === 'float32' && wasmKernelsOn()) {
    const fast = wasmReduce(src.data, outer, red, inner, kind);
    if (fast) return new NDArray(outDType, outShape, fast);
  }
  const out = allocData(outDType, outer * inner);
  reduceBlock(src.data, out, outer, red, inner, kind, outDType !== 'float32');
  return new NDArray(outDType, outShape, out);
}

/** The portable loop: float64 accumulators, each column folded in row order. */
export function reduceBlock(a: DataArray, out: DataArray, outer: number, red: number, inner: number, kind: ReduceKind, intOut: boolean): void {
  const init = kind === 'sum' || kind === 'mean' ? 0 : kind === 'prod' ? 1 : kind === 'max' ? -Infinity : Infinity;
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(init);
    const base = o * red * inner;
    for (let r = 0; r < red; r++) {
      const row = base + r * inner;
      switch (kind) {
        case 'sum':
        case 'mean':
          for (let i = 0; i < inner; i++) acc[i] += a[row + i];
          break;
        case 'prod':
          // ints wrap at 32 bits like TF; float64 products would lose the low bits first
          if (intOut) for (let i = 0; i < inner; i++) acc[i] = Math.imul(acc[i], a[row + i]);
          else for (let i = 0; i < inner; i++) acc[i] *= a[row + i];
          break;
        case 'max':
          for (let i = 0; i < inner; i++) {
            const v = a[row + i];
            if (v > acc[i] || v !== v) acc[i] = v;
          }
          break;
        case 'min':
          for (let i = 0; i < inner; i++) {
            const v = a[row + i];
            if (v < acc[i] || v !== v) acc[i] = v;
          }
          break;
      }
    }
    const ob = o * inner;
    if (kind === 'mean') {
      for (let i = 0; i < inner; i++) out[ob + i] = intOut ? Math.trunc(acc[i] / red) : acc[i] / red;
    } else if (intOut && (kind === 'max' || kind === 'min') && red === 0) {
      out.fill(kind === 'max' ? -2147483648 : 2147483647, ob, ob + inner);
    } else {
      for (let i = 0; i < inner; i++) out[ob + i] = intOut ? acc[i] | 0 : acc[i];
    }
  }
}

/** Index of the max (or min) along `axis`; the first one on ties, like TF. */
export function argReduce(x: NDArray, axis: number, wantMax: boolean, outDType: DType, outShape: readonly number[]): NDArray {
  const outer = sizeOf(x.shape.slice(0, axis));
  const red = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const a = x.data;
  const out = allocData(outDType, outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = a[o * red * inner + i];
      let at = 0;
      for (let r = 1; r < red; r++) {
        const v = a[(o * red + r) * inner + i];
        if (wantMax ? v > best : v < best) {
          best = v;
          at = r;
        }
      }
      out[o * inner + i] = at;
    }
  }
  return new NDArray(outDType, outShape, out);
}
