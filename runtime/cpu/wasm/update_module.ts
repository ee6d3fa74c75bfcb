import { InternalError } from '../../../graph/ir/index.js';
import type { FuncBuilder, Local } from './code.js';
import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';

/**
 * An element-wise update over float32 arrays, written as the JS kernel's statements: each
 * `[target, value]` computes `value` in float64 and stores it rounded to float32, and later
 * statements read the rounded value (as `a[i] = ...; ... a[i]` does on a Float32Array). Computing
 * in f64x2 lanes with the same operations in the same order gives the JS kernel's result bit for
 * bit: +, -, *, / and sqrt are correctly rounded in both.
 */
export interface UpdateSpec {
  readonly name: string;
  /**
   * The float32 arrays, by name: the function takes their byte addresses in this order, then the
   * address each written array's new values go to (in the same order; it may be the array itself).
   */
  readonly arrays: readonly string[];
  /**
   * The float64 scalars, by name: the function takes, after the addresses and the element count,
   * the byte address where they lie in this order (8 bytes each), so every parameter is an i32 and
   * a worker thread can run a slice of the update (thread_pool.ts passes i32 arguments).
   */
  readonly scalars: readonly string[];
  readonly body: readonly (readonly [string, Ex])[];
}

/** A float64 expression over the arrays' current elements and the scalars. */
export type Ex =
  | { readonly arr: string }
  | { readonly s: string }
  | { readonly op: 'add' | 'sub' | 'mul' | 'div'; readonly a: Ex; readonly b: Ex }
  | { readonly op: 'sqrt'; readonly a: Ex };

/** Builders that keep the update specs readable: `sub(arr('w'), mul(arr('d'), s('lr')))`. */
export const arr = (name: string): Ex => ({ arr: name });
export const s = (name: string): Ex => ({ s: name });
export const add = (a: Ex, b: Ex): Ex => ({ op: 'add', a, b });
export const sub = (a: Ex, b: Ex): Ex => ({ op: 'sub', a, b });
export const mul = (a: Ex, b: Ex): Ex => ({ op: 'mul', a, b });
export const div = (a: Ex, b: Ex): Ex => ({ op: 'div', a, b });
export const sqrt = (a: Ex): Ex => ({ op: 'sqrt', a });

/** The arrays a spec writes, in the order of its `arrays` (the order of its destination addresses). */
export function writtenArrays(spec: UpdateSpec): string[] {
  const written = new Set(spec.body.map(([t]) => t));
  return spec.arrays.filter((a) => written.has(a));
}

/**
 * One module exporting each spec as `name(arrays..., destinations..., n, scalarsAt)`: each element
 * is read from the arrays and its new values stored at the destinations (a destination may be its
 * array: every element is loaded before it is stored). Two elements per step
 * (v128.load64_zero, promoted to f64x2), an odd last one through 32-bit lane loads.
 */
export function buildUpdateModule(specs: readonly UpdateSpec[]): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  for (const spec of specs) buildOne(m, spec);
  return m.bytes();
}

function buildOne(m: ModuleBuilder, spec: UpdateSpec): void {
  checkNames(spec);
  const written = writtenArrays(spec);
  const k = spec.arrays.length + written.length;
  const params = [...spec.arrays.map(() => 'i32' as const), ...written.map(() => 'i32' as const), 'i32' as const, 'i32' as const];
  const { f } = m.func(spec.name, params);
  const base = new Map(spec.arrays.map((a, i) => [a, f.param(i, 'i32')]));
  const dest = new Map(written.map((a, i) => [a, f.param(spec.arrays.length + i, 'i32')]));
  const n = f.param(k, 'i32');
  const o = f.local('i32');
  const end = f.local('i32');
  const value = new Map(spec.arrays.map((a) => [a, f.local('v128')]));
  const splat = new Map(spec.scalars.map((sc) => [sc, f.local('v128')] as const));
  const tmp = f.local('v128');
  const scalarsAt = f.param(k + 1, 'i32');
  spec.scalars.forEach((sc, i) => f.get(scalarsAt).mem('f64.load', i * 8).simd('f64x2.splat').set(splat.get(sc)!));
  const read = new Set<string>();
  for (const [, ex] of spec.body) arraysOf(ex, read);
  const at = (a: string) => f.get(base.get(a)!).get(o).op('i32.add');
  const to = (a: string) => f.get(dest.get(a)!).get(o).op('i32.add');
  // one step over two elements (wide) or one, at byte offset `off` from o
  const step = (wide: boolean, off: number) => {
    for (const a of spec.arrays) {
      if (!read.has(a)) continue;
      at(a).simdMem(wide ? 'v128.load64_zero' : 'v128.load32_zero', off).simd('f64x2.promote_low_f32x4').set(value.get(a)!);
    }
    for (const [target, ex] of spec.body) {
      emit(f, ex, value, splat);
      f.simd('f32x4.demote_f64x2_zero').set(tmp);
      to(target).get(tmp).simdMemLane(wide ? 'v128.store64_lane' : 'v128.store32_lane', 0, off);
      // later statements read the stored (rounded) value
      f.get(tmp).simd('f64x2.promote_low_f32x4').set(value.get(target)!);
    }
  };
  // four elements per turn (two independent f64x2 chains keep the sqrt and div units busy), then
  // the last two and the last one
  f.get(n).i32(-4).op('i32.and').i32(2).op('i32.shl').set(end);
  f.forRange(o, () => f.i32(0), () => f.get(end), 16, () => {
    step(true, 0);
    step(true, 8);
  });
  f.get(end).set(o);
  f.get(n).i32(2).op('i32.and').if(() => {
    step(true, 0);
    f.get(o).i32(8).op('i32.add').set(o);
  });
  f.get(n).i32(1).op('i32.and').if(() => step(false, 0));
}

function checkNames(spec: UpdateSpec): void {
  const bad = (what: string) => new InternalError(`update kernel '${spec.name}': ${what}`);
  const visit = (ex: Ex): void => {
    if ('arr' in ex) {
      if (!spec.arrays.includes(ex.arr)) throw bad(`reads '${ex.arr}', not one of its arrays`);
    } else if ('s' in ex) {
      if (!spec.scalars.includes(ex.s)) throw bad(`reads '${ex.s}', not one of its scalars`);
    } else {
      visit(ex.a);
      if (ex.op !== 'sqrt') visit(ex.b);
    }
  };
  for (const [target, ex] of spec.body) {
    if (!spec.arrays.includes(target)) throw bad(`writes '${target}', not one of its arrays`);
    visit(ex);
  }
}

function arraysOf(ex: Ex, into: Set<string>): void {
  if ('arr' in ex) into.add(ex.arr);
  else if ('op' in ex) {
    arraysOf(ex.a, into);
    if (ex.op !== 'sqrt') arraysOf(ex.b, into);
  }
}

function emit(f: FuncBuilder, ex: Ex, value: Map<string, Local<'v128'>>, splat: Map<string, Local<'v128'>>): void {
  if ('arr' in ex) f.get(value.get(ex.arr)!);
  else if ('s' in ex) f.get(splat.get(ex.s)!);
  else if (ex.op === 'sqrt') {
    emit(f, ex.a, value, splat);
    f.simd('f64x2.sqrt');
  } else {
    emit(f, ex.a, value, splat);
    emit(f, ex.b, value, splat);
    f.simd(`f64x2.${ex.op}`);
  }
}
