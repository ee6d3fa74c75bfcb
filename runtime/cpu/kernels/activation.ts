import { allocData, NDArray } from '../../../graph/ir/index.js';
import { wasmKernelsOn } from '../wasm/kernel_mode.js';
import { wasmSoftmax } from '../wasm/wasm_softmax.js';
import { kernel } from './kernel.js';

/** Softmax or log-softmax over the last axis, stable (the row max is subtracted first). */
export function softmaxRows(x: NDArray, log: boolean): NDArray {
  const n = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const fast = wasmKernelsOn() ? wasmSoftmax(x.data, rows, n, log) : null;
  if (fast) return new NDArray('float32', x.shape, fast);
  const src = x.data;
  const out = allocData('float32', x.size) as Float32Array;
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (src[o + j] > max) max = src[o + j];
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(src[o + j] - max);
    if (log) {
      const lse = Math.log(sum);
      for (let j = 0; j < n; j++) out[o + j] = src[o + j] - max - lse;
    } else {
      for (let j = 0; j < n; j++) out[o + j] = Math.exp(src[o + j] - max) / sum;
    }
  }
  return new NDArray('float32', x.shape, out);
}

/** The activation family's CPU kernels. */
export const ACTIVATION_KERNELS = {
  Softmax: kernel(([x]) => [softmaxRows(x, false)]),
  LogSoftmax: kernel(([x]) => [softmaxRows(x, true)]),
};
