import type { FuncBuilder, Local } from './code.js';
import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';

/** The reductions in wasm: float32 in and out, over the middle axis of [outer, red, inner]. */
export type WasmReduceKind = 'sum' | 'mean' | 'max' | 'min';

/**
 * `reduce<Kind>(x, y, outer, red, inner)` (byte addresses, counts in elements): y[o, i] is the
 * reduction of x[o, :, i], lanes running along `inner`, each lane folding its column in row order
 * as the JS kernel (reduce_kernel.ts) does. Sum and mean accumulate in f64x2 from 0 (mean then
 * divides by red in double), max and min keep f32x4 lanes with the JS rule (take v when it is
 * greater, or less, or NaN), so every element of y is the JS kernel's bit for bit.
 *
 * Columns go in strips: 8 floats (four f64x2 accumulators, or two f32x4) while they fit, then 2,
 * then 1, so a column block is read once per strip and a narrow `inner` still fills the lanes.
 */
export function buildReduceModule(): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  for (const kind of ['sum', 'mean', 'max', 'min'] as const) buildOne(m, kind);
  return m.bytes();
}

const NAMES = ['x', 'y', 'outer', 'red', 'inner'] as const;

function buildOne(m: ModuleBuilder, kind: WasmReduceKind): void {
  const { f } = m.func(`reduce${kind[0].toUpperCase()}${kind.slice(1)}`, NAMES.map(() => 'i32' as const));
  const [x, y, outer, red, inner] = NAMES.map((_, i) => f.param(i, 'i32'));
  const [o, rowBytes, src, out, col, p, pEnd] = Array.from({ length: 7 }, () => f.local('i32'));
  const acc = Array.from({ length: 4 }, () => f.local('v128'));
  const v = f.local('v128');
  const double = kind === 'sum' || kind === 'mean';
  const redF = f.local('v128');
  if (kind === 'mean') f.get(red).op('f64.convert_i32_s').simd('f64x2.splat').set(redF);
  f.get(inner).i32(2).op('i32.shl').set(rowBytes);

  /** Folds a strip of `floats` columns at byte offset col of every row in (src, src + red rows). */
  const strip = (floats: 8 | 2 | 1) => {
    // the pieces a strip is loaded in: [byte offset, width in floats]
    const pieces: [number, 4 | 2 | 1][] = double
      ? floats === 8 ? [[0, 2], [8, 2], [16, 2], [24, 2]] : [[0, floats === 2 ? 2 : 1]]
      : floats === 8 ? [[0, 4], [16, 4]] : [[0, floats]];
    // all-zero bits are also f64x2 zeros
    const start = double ? 0 : kind === 'max' ? -Infinity : Infinity;
    pieces.forEach((_, k) => f.f32x4([start, start, start, start]).set(acc[k]));
    f.get(src).get(col).op('i32.add').set(p);
    f.get(p).get(red).get(rowBytes).op('i32.mul').op('i32.add').set(pEnd);
    whileBelow(f, p, pEnd, () => {
      pieces.forEach(([off, w], k) => {
        f.get(p);
        if (w === 4) f.simdMem('v128.load', off);
        else f.simdMem(w === 2 ? 'v128.load64_zero' : 'v128.load32_zero', off);
        if (double) f.simd('f64x2.promote_low_f32x4').get(acc[k]).simd('f64x2.add').set(acc[k]);
        else {
          // v where (v > acc) or v is NaN, else acc: the JS kernel's `if (v > acc || v !== v)`
          f.set(v).get(v).get(acc[k]).get(v).get(acc[k]).simd(kind === 'max' ? 'f32x4.gt' : 'f32x4.lt').get(v).get(v).simd('f32x4.ne').simd('v128.or').simd('v128.bitselect').set(acc[k]);
        }
      });
      f.get(p).get(rowBytes).op('i32.add').set(p);
    });
    pieces.forEach(([off, w], k) => {
      f.get(out).get(col).op('i32.add').get(acc[k]);
      if (kind === 'mean') f.get(redF).simd('f64x2.div');
      if (double) f.simd('f32x4.demote_f64x2_zero');
      if (w === 4) f.simdMem('v128.store', off);
      else f.simdMemLane(w === 2 ? 'v128.store64_lane' : 'v128.store32_lane', 0, off);
    });
  };

  f.get(x).set(src);
  f.get(y).set(out);
  f.forRange(o, () => f.i32(0), () => f.get(outer), 1, () => {
    f.i32(0).set(col);
    for (const floats of [8, 2, 1] as const) {
      // while col + floats columns fit in the row
      const bytes = floats * 4;
      f.block((done) => {
        f.loop((top) => {
          f.get(col).i32(bytes).op('i32.add').get(rowBytes).op('i32.gt_s').brIf(done);
          strip(floats);
          f.get(col).i32(bytes).op('i32.add').set(col);
          f.br(top);
        });
      });
    }
    f.get(src).get(red).get(rowBytes).op('i32.mul').op('i32.add').set(src);
    f.get(out).get(rowBytes).op('i32.add').set(out);
  });
}

/** `while (p < end) body()`, unsigned compare of byte addresses. */
function whileBelow(f: FuncBuilder, p: Local<'i32'>, end: Local<'i32'>, body: () => void): void {
  f.block((exit) => {
    f.get(p).get(end).op('i32.ge_u').brIf(exit);
    f.loop((top) => {
      body();
      f.get(p).get(end).op('i32.lt_u').brIf(top);
    });
  });
}
