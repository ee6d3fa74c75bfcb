import type { Geometry } from '../../../ops/nn/conv_params.js';
import { buildDepthwiseModule, DEPTHWISE_FUNCS } from './depthwise_module.js';
import { heapKernelExports, wasmHeap } from './heap.js';

type Name = keyof typeof DEPTHWISE_FUNCS;
type Fn = (...args: number[]) => void;
let fns: Record<Name, Fn> | null = null;

function depthwiseKernels(): Record<Name, Fn> {
  if (fns) return fns;
  const ex = heapKernelExports(buildDepthwiseModule, 'JS depthwise convolution');
  fns = { depthwise: ex.depthwise as Fn, depthwiseBackpropInput: ex.depthwiseBackpropInput as Fn, depthwiseBackpropFilter: ex.depthwiseBackpropFilter as Fn };
  return fns;
}

/** Copies a and b in, runs `name` into a zeroed `size`-element accumulator, copies it out. */
function run(name: Name, a: Float32Array, b: Float32Array, size: number, g: Geometry): Float32Array {
  const fn = depthwiseKernels()[name];
  const bAt = Math.ceil(a.length / 4) * 4;
  const accAt = bAt + Math.ceil(b.length / 4) * 4;
  const heap = wasmHeap();
  const s = heap.scratch((accAt + size) * 4, `${name} over [${g.n},${g.h},${g.w},${g.c}]`) / 4;
  const F = heap.f32();
  F.set(a, s);
  F.set(b, s + bAt);
  F.fill(0, s + accAt, s + accAt + size);
  fn(s * 4, (s + bAt) * 4, (s + accAt) * 4, g.n, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl);
  return heap.f32().slice(s + accAt, s + accAt + size);
}

/*
 * DepthwiseConv2dNative and its backprops in wasm (depthwise_module.ts) for channel multiplier 1,
 * bit for bit the JS kernels; null for other multipliers (the JS kernels run).
 */

export function wasmDepthwise(x: Float32Array, f: Float32Array, g: Geometry, mult: number): Float32Array | null {
  return mult === 1 ? run('depthwise', x, f, g.n * g.oh * g.ow * g.c, g) : null;
}

export function wasmDepthwiseBackpropInput(dy: Float32Array, f: Float32Array, g: Geometry, mult: number): Float32Array | null {
  return mult === 1 ? run('depthwiseBackpropInput', dy, f, g.n * g.h * g.w * g.c, g) : null;
}

export function wasmDepthwiseBackpropFilter(x: Float32Array, dy: Float32Array, g: Geometry, mult: number): Float32Array | null {
  return mult === 1 ? run('depthwiseBackpropFilter', x, dy, g.kh * g.kw * g.c, g) : null;
}
