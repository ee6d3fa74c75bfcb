import { InternalError } from '../../../graph/ir/index.js';
import { wasmHeap } from './heap.js';
import { add, arr, buildUpdateModule, div, mul, s, sqrt, sub } from './update_module.js';
import type { Ex, UpdateSpec } from './update_module.js';
import { instantiate, wasmApi } from './wasm_api.js';

const g = arr('g');
const sq = (x: Ex): Ex => mul(x, x);

/**
 * The optimizer updates, statement for statement as the JS kernels in kernels/optimizer.ts write
 * them (the same operations in the same order, so the results agree bit for bit). Scalars the JS
 * kernel derives once per call (1 - beta1, Adam's alpha) are passed already computed in double.
 */
const SPECS = [
  { name: 'gradientDescent', arrays: ['w', 'g'], scalars: ['lr'], body: [['w', sub(arr('w'), mul(s('lr'), g))]] },
  {
    name: 'momentum', arrays: ['w', 'a', 'g'], scalars: ['lr', 'mu'],
    body: [['a', add(mul(arr('a'), s('mu')), g)], ['w', sub(arr('w'), mul(arr('a'), s('lr')))]],
  },
  {
    name: 'momentumNesterov', arrays: ['w', 'a', 'g'], scalars: ['lr', 'mu'],
    body: [['a', add(mul(arr('a'), s('mu')), g)], ['w', sub(arr('w'), add(mul(g, s('lr')), mul(mul(arr('a'), s('mu')), s('lr'))))]],
  },
  {
    name: 'adam', arrays: ['w', 'm', 'v', 'g'], scalars: ['alpha', 'c1', 'c2', 'b1', 'eps'],
    body: [
      ['m', add(arr('m'), mul(sub(g, arr('m')), s('c1')))],
      ['v', add(arr('v'), mul(sub(sq(g), arr('v')), s('c2')))],
      ['w', sub(arr('w'), div(mul(arr('m'), s('alpha')), add(sqrt(arr('v')), s('eps'))))],
    ],
  },
  {
    name: 'adamNesterov', arrays: ['w', 'm', 'v', 'g'], scalars: ['alpha', 'c1', 'c2', 'b1', 'eps'],
    body: [
      ['m', add(arr('m'), mul(sub(g, arr('m')), s('c1')))],
      ['v', add(arr('v'), mul(sub(sq(g), arr('v')), s('c2')))],
      ['w', sub(arr('w'), div(mul(add(mul(g, s('c1')), mul(s('b1'), arr('m'))), s('alpha')), add(sqrt(arr('v')), s('eps'))))],
    ],
  },
  {
    name: 'adagrad', arrays: ['w', 'a', 'g'], scalars: ['lr'],
    body: [['a', add(arr('a'), sq(g))], ['w', sub(arr('w'), div(mul(g, s('lr')), sqrt(arr('a'))))]],
  },
  // update_slots=false: accum is read, not written
  { name: 'adagradNoSlots', arrays: ['w', 'a', 'g'], scalars: ['lr'], body: [['w', sub(arr('w'), div(mul(g, s('lr')), sqrt(arr('a'))))]] },
  {
    name: 'rmsProp', arrays: ['w', 'ms', 'mom', 'g'], scalars: ['lr', 'c', 'mu', 'eps'],
    body: [
      ['ms', add(arr('ms'), mul(sub(sq(g), arr('ms')), s('c')))],
      ['mom', add(mul(arr('mom'), s('mu')), div(mul(g, s('lr')), sqrt(add(arr('ms'), s('eps')))))],
      ['w', sub(arr('w'), arr('mom'))],
    ],
  },
] as const satisfies readonly UpdateSpec[];

export type UpdateName = (typeof SPECS)[number]['name'];

type UpdateFn = (...args: number[]) => void;
let fns: Map<string, UpdateFn> | null = null;

function updateKernels(): Map<string, UpdateFn> {
  if (fns) return fns;
  const api = wasmApi();
  if (!api) throw new InternalError('WebAssembly is not available: the JS optimizer updates should have been chosen');
  const ex = instantiate(api, buildUpdateModule(SPECS), wasmHeap().memory).exports;
  fns = new Map(SPECS.map((sp) => [sp.name, ex[sp.name] as UpdateFn]));
  return fns;
}

/**
 * Runs the update `name` in wasm over `arrays` (in the spec's order, all the same length) and the
 * scalars: the new values of the arrays it writes, in that order, as fresh arrays (the inputs are
 * not touched). Null when an operand is not float32, so the JS kernel runs.
 */
export function wasmUpdate(name: UpdateName, arrays: readonly ArrayLike<unknown>[], scalars: readonly number[]): Float32Array[] | null {
  const spec: UpdateSpec = SPECS.find((sp) => sp.name === name)!;
  if (arrays.length !== spec.arrays.length || scalars.length !== spec.scalars.length) {
    throw new InternalError(`update kernel '${name}' takes ${spec.arrays.length} arrays and ${spec.scalars.length} scalars, got ${arrays.length} and ${scalars.length}`);
  }
  if (!arrays.every((a): a is Float32Array => a instanceof Float32Array && a.length === arrays[0].length)) return null;
  const n = arrays[0].length;
  // each operand in its own 16-byte-aligned slot
  const stride = Math.ceil(n / 4) * 4;
  const fn = updateKernels().get(name)!;
  const heap = wasmHeap();
  // scratch from the heap (an arena block where buffers live in wasm memory), never byte 0
  const s = heap.scratch(stride * arrays.length * 4, `${name} update over ${n} elements`) / 4;
  const F = heap.f32();
  arrays.forEach((a, i) => F.set(a, s + i * stride));
  fn(...arrays.map((_, i) => (s + i * stride) * 4), n, ...scalars);
  const out = heap.f32();
  const written = new Set(spec.body.map(([t]) => t));
  return spec.arrays.flatMap((a, i) => (written.has(a) ? [out.slice(s + i * stride, s + i * stride + n)] : []));
}
