import { InternalError } from '../../../graph/ir/index.js';
import { heapKernelExports, heapOffset, wasmHeap } from './heap.js';
import { add, arr, buildUpdateModule, div, mul, s, sqrt, sub, writtenArrays } from './update_module.js';
import type { Ex, UpdateSpec } from './update_module.js';
import { runOnThreads, splitFor, splitRange } from './threads.js';

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

/** Room for the scalars ahead of the copied operands in scratch (a multiple of 16 bytes). */
const SCALAR_BYTES = 64;

/**
 * Work units (threads.ts: about a multiply-add of the gemm each) per element of an update: a few
 * float64 operations with a divide and a square root, some tens of gemm multiply-adds' time.
 */
const WORK_PER_ELEMENT = 32;
let fns: Map<string, UpdateFn> | null = null;

function updateKernels(): Map<string, UpdateFn> {
  if (fns) return fns;
  const ex = heapKernelExports(() => buildUpdateModule(SPECS), 'JS optimizer updates');
  fns = new Map(SPECS.map((sp) => [sp.name, ex[sp.name] as UpdateFn]));
  return fns;
}

/**
 * Runs the update `name` in wasm over `arrays` (in the spec's order, all the same length) and the
 * scalars: the new values of the arrays it writes, in that order, as fresh arrays (the inputs are
 * not touched). An operand already in wasm memory (a variable's block, a resident buffer) is read
 * where it lies, others are copied in; each new value goes to `place(n)` (a block in wasm memory
 * the caller owns) or, where that gives null, is copied out into a JS array. Null when an operand
 * is not float32, so the JS kernel runs.
 */
export function wasmUpdate(
  name: UpdateName,
  arrays: readonly ArrayLike<unknown>[],
  scalars: readonly number[],
  place: (n: number) => Float32Array | null = () => null,
): Float32Array[] | null {
  const spec: UpdateSpec = SPECS.find((sp) => sp.name === name)!;
  if (arrays.length !== spec.arrays.length || scalars.length !== spec.scalars.length) {
    throw new InternalError(`update kernel '${name}' takes ${spec.arrays.length} arrays and ${spec.scalars.length} scalars, got ${arrays.length} and ${scalars.length}`);
  }
  if (!arrays.every((a): a is Float32Array => a instanceof Float32Array && a.length === arrays[0].length)) return null;
  const n = arrays[0].length;
  const written = writtenArrays(spec).map((a) => spec.arrays.indexOf(a));
  // the new values' homes first: making a block may grow the memory
  const outs = written.map(() => place(n));
  const heap = wasmHeap();
  const src = arrays.map((a) => heapOffset(a));
  const dst = outs.map((o) => (o ? heap.offsetOf(o) : -1));
  // scratch slots (16-byte aligned) for the operands not in the heap and the results with no home;
  // a result with no home is computed in its operand's slot, copied in for that reason
  const stride = Math.ceil(n / 4) * 4;
  written.forEach((i, j) => {
    if (dst[j] < 0) src[i] = -1;
  });
  const copied = src.map((at, i) => (at < 0 ? i : -1)).filter((i) => i >= 0);
  const slot = new Map(copied.map((i, k) => [i, k]));
  // the scalars (float64, 8 bytes each) first, then the copied operands' slots
  const s = heap.scratch(SCALAR_BYTES + stride * copied.length * 4, `${name} update over ${n} elements`);
  const F = heap.f32();
  new Float64Array(heap.memory.buffer, s, scalars.length).set(scalars);
  for (const i of copied) {
    src[i] = s + SCALAR_BYTES + slot.get(i)! * stride * 4;
    F.set(arrays[i], src[i] / 4);
  }
  written.forEach((i, j) => {
    if (dst[j] < 0) dst[j] = src[i];
  });
  const fn = updateKernels().get(name)!;
  // elements are independent: any cut gives the same bytes (cuts on 4-element boundaries)
  const { threads, pieces } = splitFor(n * WORK_PER_ELEMENT, Math.ceil(n / 4));
  const calls = Array.from({ length: pieces }, (_, t) => {
    const [lo, hi] = splitRange(n, pieces, t, 4);
    return [{ fn, args: [...src.map((a) => a + lo * 4), ...dst.map((d) => d + lo * 4), hi - lo, s] }];
  });
  runOnThreads({ pieces: calls.filter((c) => c[0].args[src.length + dst.length] > 0), threads });
  const after = heap.f32();
  return written.map((i, j) => outs[j] ?? after.slice(dst[j] / 4, dst[j] / 4 + n));
}
