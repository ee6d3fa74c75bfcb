import type { FuncBuilder, Local } from './code.js';
import { emitExp } from './f32_math.js';
import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';

/**
 * Softmax and log-softmax over rows of n float32 values, in two calls so the JS side can take the
 * row's log in double between them (the module has no log):
 *
 * `softmaxStats(x, y, stats, rows, n)`: per row, max = the largest element (NaN never wins, as in
 * the JS kernel), y = exp(x − max) in float32 (f32_math.ts's exp, four lanes), and
 * stats[r] = [max, Σ y] as two float64 (the sum accumulated in f64x2, so its own rounding is
 * negligible).
 *
 * `softmaxOut(x, y, stats, rows, n, log)`: softmax y = y / sum, or (log, with the caller having
 * replaced the sum by lse = log(sum)) y = (x − max) − lse; both in double, rounded once to float32,
 * as the JS kernel computes them. Addresses in bytes; stats 16 bytes per row.
 */
export function buildSoftmaxModule(): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  buildStats(m);
  buildOut(m);
  return m.bytes();
}

function buildStats(m: ModuleBuilder): void {
  const { f } = m.func('softmaxStats', ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [x, y, stats, rows, n] = [0, 1, 2, 3, 4].map((i) => f.param(i, 'i32'));
  const [r, j, quads, rowBytes, xr, yr] = Array.from({ length: 6 }, () => f.local('i32'));
  const [v, vmax, sum] = Array.from({ length: 3 }, () => f.local('v128'));
  const tmp = Array.from({ length: 3 }, () => f.local('v128'));
  const mx = f.local('f32');
  const lane = f.local('f32');
  f.get(n).i32(2).op('i32.shl').set(rowBytes);
  // bytes covered by whole v128s
  f.get(n).i32(-4).op('i32.and').i32(2).op('i32.shl').set(quads);
  const eachElement = (quad: () => void, single: () => void) => {
    f.forRange(j, () => f.i32(0), () => f.get(quads), 16, quad);
    f.forRange(j, () => f.get(quads), () => f.get(rowBytes), 4, single);
  };
  // v where v > vmax (a NaN never is), else vmax
  const takeMax = () => f.set(v).get(v).get(vmax).get(v).get(vmax).simd('f32x4.gt').simd('v128.bitselect').set(vmax);
  f.forRange(r, () => f.i32(0), () => f.get(rows), 1, () => {
    f.get(x).get(r).get(rowBytes).op('i32.mul').op('i32.add').set(xr);
    f.get(y).get(r).get(rowBytes).op('i32.mul').op('i32.add').set(yr);
    f.f32x4([-Infinity, -Infinity, -Infinity, -Infinity]).set(vmax);
    eachElement(
      () => {
        at(f, xr, j).simdMem('v128.load');
        takeMax();
      },
      () => {
        // the one element in every lane leaves the other lanes' maxima as they were
        at(f, xr, j).simdMem('v128.load32_splat');
        takeMax();
      },
    );
    f.get(vmax).lane('f32x4.extract_lane', 0).set(mx);
    for (const k of [1, 2, 3]) {
      f.get(vmax).lane('f32x4.extract_lane', k).tee(lane).get(mx).get(lane).get(mx).op('f32.gt').op('select').set(mx);
    }
    f.get(mx).simd('f32x4.splat').set(vmax);
    f.f32x4([0, 0, 0, 0]).set(sum);
    eachElement(
      () => {
        at(f, yr, j);
        at(f, xr, j).simdMem('v128.load').get(vmax).simd('f32x4.sub');
        emitExp(f, tmp);
        f.simdMem('v128.store');
        for (const off of [0, 8]) at(f, yr, j).simdMem('v128.load64_zero', off).simd('f64x2.promote_low_f32x4').get(sum).simd('f64x2.add').set(sum);
      },
      () => {
        at(f, yr, j);
        at(f, xr, j).simdMem('v128.load32_splat').get(vmax).simd('f32x4.sub');
        emitExp(f, tmp);
        f.simdMemLane('v128.store32_lane', 0);
        at(f, yr, j).simdMem('v128.load32_zero').simd('f64x2.promote_low_f32x4').get(sum).simd('f64x2.add').set(sum);
      },
    );
    f.get(stats).get(r).i32(4).op('i32.shl').op('i32.add').get(mx).op('f64.promote_f32').mem('f64.store');
    f.get(stats).get(r).i32(4).op('i32.shl').op('i32.add');
    f.get(sum).lane('f64x2.extract_lane', 0).get(sum).lane('f64x2.extract_lane', 1).op('f64.add').mem('f64.store', 8);
  });
}

function buildOut(m: ModuleBuilder): void {
  const { f } = m.func('softmaxOut', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [x, y, stats, rows, n, log] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i, 'i32'));
  const [r, j, pairs, rowBytes, xr, yr, st] = Array.from({ length: 7 }, () => f.local('i32'));
  const [mx, s] = [f.local('v128'), f.local('v128')];
  f.get(n).i32(2).op('i32.shl').set(rowBytes);
  f.get(n).i32(-2).op('i32.and').i32(2).op('i32.shl').set(pairs);
  const value = f.local('v128');
  const step = (wide: boolean) => {
    const load = wide ? 'v128.load64_zero' : 'v128.load32_zero';
    f.get(log).if(
      () => at(f, xr, j).simdMem(load).simd('f64x2.promote_low_f32x4').get(mx).simd('f64x2.sub').get(s).simd('f64x2.sub').set(value),
      () => at(f, yr, j).simdMem(load).simd('f64x2.promote_low_f32x4').get(s).simd('f64x2.div').set(value),
    );
    at(f, yr, j).get(value).simd('f32x4.demote_f64x2_zero').simdMemLane(wide ? 'v128.store64_lane' : 'v128.store32_lane', 0);
  };
  f.forRange(r, () => f.i32(0), () => f.get(rows), 1, () => {
    f.get(x).get(r).get(rowBytes).op('i32.mul').op('i32.add').set(xr);
    f.get(y).get(r).get(rowBytes).op('i32.mul').op('i32.add').set(yr);
    f.get(stats).get(r).i32(4).op('i32.shl').op('i32.add').set(st);
    f.get(st).mem('f64.load').simd('f64x2.splat').set(mx);
    f.get(st).mem('f64.load', 8).simd('f64x2.splat').set(s);
    f.forRange(j, () => f.i32(0), () => f.get(pairs), 8, () => step(true));
    f.forRange(j, () => f.get(pairs), () => f.get(rowBytes), 4, () => step(false));
  });
}

/** Pushes row + j: a byte address. */
function at(f: FuncBuilder, row: Local<'i32'>, j: Local<'i32'>): FuncBuilder {
  return f.get(row).get(j).op('i32.add');
}
