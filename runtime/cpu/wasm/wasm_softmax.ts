import { heapKernelExports, wasmHeap } from './heap.js';
import { buildSoftmaxModule } from './softmax_module.js';

type Fn = (...args: number[]) => void;
let fns: { stats: Fn; out: Fn } | null = null;

function softmaxKernels(): { stats: Fn; out: Fn } {
  if (fns) return fns;
  const ex = heapKernelExports(buildSoftmaxModule, 'JS softmax');
  fns = { stats: ex.softmaxStats as Fn, out: ex.softmaxOut as Fn };
  return fns;
}

/**
 * Softmax (or log-softmax) of float32 `x` over rows of n, in wasm (softmax_module.ts); null when x
 * is not float32 or empty, so the JS kernel runs. Not bit for bit the JS kernel, which takes exp
 * in double: against it, softmax is within 2^-24·(4 + |x − max|) relative (float32 exp's 1 ulp,
 * and x − max rounded to float32 before the exp), log-softmax within 2^-24·(4 + D) absolute plus
 * 1 ulp, D the row's largest |x − max| (test/runtime/wasm/softmax.test.ts).
 */
export function wasmSoftmax(x: ArrayLike<unknown>, rows: number, n: number, log: boolean): Float32Array | null {
  if (!(x instanceof Float32Array) || rows * n === 0 || x.length !== rows * n) return null;
  const { stats, out } = softmaxKernels();
  const size = rows * n;
  const yAt = Math.ceil(size / 4) * 4;
  const statsAt = yAt * 2;
  const heap = wasmHeap();
  const s = heap.scratch(statsAt * 4 + rows * 16, `${log ? 'LogSoftmax' : 'Softmax'} over [${rows},${n}]`) / 4;
  heap.f32().set(x, s);
  stats(s * 4, (s + yAt) * 4, (s + statsAt) * 4, rows, n);
  if (log) {
    const st = new Float64Array(heap.memory.buffer, (s + statsAt) * 4, rows * 2);
    for (let r = 0; r < rows; r++) st[2 * r + 1] = Math.log(st[2 * r + 1]);
  }
  out(s * 4, (s + yAt) * 4, (s + statsAt) * 4, rows, n, log ? 1 : 0);
  return heap.f32().slice(s + yAt, s + yAt + size);
}
