import { InternalError } from '../../../graph/ir/index.js';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { heapKernelExports, heapOffset, wasmHeap } from './heap.js';
import { buildPoolModule } from './pool_module.js';
import { runOnThreads, splitFor, splitRange } from './threads.js';
import type { KernelJob } from './threads.js';
import type { KernelCall } from './thread_pool.js';

type PoolFn = (...args: number[]) => void;
let pool: { maxPool: PoolFn; maxPoolGrad: PoolFn } | null = null;

function poolKernels(): { maxPool: PoolFn; maxPoolGrad: PoolFn } {
  if (pool) return pool;
  const ex = heapKernelExports(buildPoolModule, 'JS pooling');
  pool = { maxPool: ex.maxPool as PoolFn, maxPoolGrad: ex.maxPoolGrad as PoolFn };
  return pool;
}

/** Whether the wasm max-pool kernels apply: channels a multiple of 4 and no window empty. */
function applies(g: Geometry): boolean {
  if (g.c % 4 !== 0 || g.c === 0 || g.oh * g.ow * g.n === 0 || g.h === 0 || g.w === 0) return false;
  // every window must hold an element (the JS kernel gives -Inf for an empty one)
  return !(g.pt >= g.kh || g.pl >= g.kw || (g.oh - 1) * g.sh - g.pt >= g.h || (g.ow - 1) * g.sw - g.pl >= g.w);
}

/** Whether `wasmMaxPool` takes this geometry (else the JS kernel runs, with the same results). */
export function wasmMaxPoolApplies(g: Geometry): boolean {
  return applies(g);
}

/**
 * MaxPool forward in wasm for NHWC with channels a multiple of 4; null when it does not apply
 * (the JS kernel then runs, with the same results). The result goes into `into` when given
 * (written in place when it lies in wasm memory, e.g. a run-scoped output in the arena), else
 * into a fresh array.
 */
export function wasmMaxPool(x: Float32Array, g: Geometry, into?: Float32Array): Float32Array | null {
  if (!applies(g)) return null;
  const { maxPool } = poolKernels();
  const size = g.n * g.oh * g.ow * g.c;
  if (into && into.length !== size) throw new InternalError(`MaxPool: an output of ${into.length} floats for ${size}`);
  const heap = wasmHeap();
  // an input already in wasm memory is read in place, and an output there written in place
  const resident = heapOffset(x);
  const outAt = into ? heapOffset(into) : -1;
  const xFloats = resident >= 0 ? 0 : x.length;
  const yFloats = outAt >= 0 ? 0 : size;
  const s = heap.scratch((xFloats + yFloats) * 4 + 4, `MaxPool over [${g.n},${g.h},${g.w},${g.c}]`) / 4;
  if (resident < 0) heap.f32().set(x, s);
  const yB = outAt >= 0 ? outAt : (s + xFloats) * 4;
  const xB = resident >= 0 ? resident : s * 4;
  runOnThreads(byImage(g, (n0, n1) => [maxPool, [xB + n0 * imageIn(g), yB + n0 * imageOut(g), n1 - n0, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.pt, g.pl]]));
  if (outAt >= 0) return into!;
  const y = heap.f32().subarray(yB / 4, yB / 4 + size);
  if (!into) return y.slice();
  into.set(y);
  return into;
}

/**
 * MaxPoolGrad in wasm (dx: dy added at each window's max, first on ties) where the forward kernel
 * applies; null otherwise. Bit for bit the JS kernel's result.
 */
export function wasmMaxPoolGrad(x: Float32Array, dy: Float32Array, g: Geometry): Float32Array | null {
  if (!applies(g) || dy.length !== g.n * g.oh * g.ow * g.c) return null;
  const { maxPoolGrad } = poolKernels();
  const heap = wasmHeap();
  const xAt = heap.scratch((2 * x.length + dy.length) * 4, `MaxPoolGrad over [${g.n},${g.h},${g.w},${g.c}]`) / 4;
  const dyAt = xAt + x.length;
  const dxAt = dyAt + dy.length;
  const F = heap.f32();
  F.set(x, xAt);
  F.set(dy, dyAt);
  F.fill(0, dxAt, dxAt + x.length);
  runOnThreads(byImage(g, (n0, n1) => [maxPoolGrad, [xAt * 4 + n0 * imageIn(g), dyAt * 4 + n0 * imageOut(g), dxAt * 4 + n0 * imageIn(g), n1 - n0, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.pt, g.pl]]));
  return heap.f32().slice(dxAt, dxAt + x.length);
}

/** Bytes of one image of the input (and of dx), and of the output (and of dy). */
const imageIn = (g: Geometry): number => g.h * g.w * g.c * 4;
const imageOut = (g: Geometry): number => g.oh * g.ow * g.c * 4;

/**
 * One call per piece over images [n0, n1): images touch disjoint input-gradient and output bytes,
 * and within an image the order of the adds is the one-thread order.
 */
function byImage(g: Geometry, call: (n0: number, n1: number) => [PoolFn, number[]]): KernelJob {
  const { threads, pieces } = splitFor(g.n * g.oh * g.ow * g.c * g.kh * g.kw, g.n);
  const lists: KernelCall[][] = [];
  for (let t = 0; t < pieces; t++) {
    const [fn, args] = call(...splitRange(g.n, pieces, t));
    lists.push([{ fn, args }]);
  }
  return { pieces: lists, threads };
}
