import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';

/**
 * Also `maxPoolGrad(x, dy, dx, n, h, w, c, kh, kw, oh, ow, sh, sw, pt, pl)`: the same windows and
 * rule, carrying each lane's winning byte offset beside its max, then adding dy at each winner in
 * output order (so each dx element sums in the JS kernel's order). dx must be zero on entry.
 *
 * `maxPool(x, y, n, h, w, c, kh, kw, oh, ow, sh, sw, pt, pl)` on NHWC float32 with c a multiple of
 * 4, four channels per v128. Each window starts from its first in-bounds element and takes v where
 * v > max: the JS kernel's rule (the first element wins ties; a NaN only as the first element).
 * Addresses in bytes.
 */
export function buildPoolModule(): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  const names = ['x', 'y', 'n', 'h', 'w', 'c', 'kh', 'kw', 'oh', 'ow', 'sh', 'sw', 'pt', 'pl'] as const;
  const { f } = m.func('maxPool', names.map(() => 'i32' as const));
  const p = Object.fromEntries(names.map((nm, i) => [nm, f.param(i, 'i32')])) as Record<(typeof names)[number], ReturnType<typeof f.param<'i32'>>>;
  const [b, oy, ox, y0, x0, yLo, yHi, xLo, xHi, iy, ix, ci, out, src, cb, pix, row, rowBytes] = Array.from({ length: 18 }, () => f.local('i32'));
  const acc = f.local('v128');
  const v = f.local('v128');
  // max(a, b) and min(a, b) of the two i32s on the stack, through select
  const clampLo = (val: () => void, lo: number, into: typeof yLo) => {
    val();
    f.i32(lo);
    val();
    f.i32(lo).op('i32.gt_s').op('select').set(into);
  };
  f.get(p.c).i32(4).op('i32.mul').set(cb);
  f.get(p.w).get(cb).op('i32.mul').set(rowBytes);
  f.get(p.y).set(out);
  f.forRange(b, () => f.i32(0), () => f.get(p.n), 1, () => {
    f.forRange(oy, () => f.i32(0), () => f.get(p.oh), 1, () => {
      f.get(oy).get(p.sh).op('i32.mul').get(p.pt).op('i32.sub').set(y0);
      clampLo(() => f.get(y0), 0, yLo);
      // yHi = min(h, y0 + kh)
      f.get(y0).get(p.kh).op('i32.add').get(p.h).get(y0).get(p.kh).op('i32.add').get(p.h).op('i32.lt_s').op('select').set(yHi);
      f.forRange(ox, () => f.i32(0), () => f.get(p.ow), 1, () => {
        f.get(ox).get(p.sw).op('i32.mul').get(p.pl).op('i32.sub').set(x0);
        clampLo(() => f.get(x0), 0, xLo);
        f.get(x0).get(p.kw).op('i32.add').get(p.w).get(x0).get(p.kw).op('i32.add').get(p.w).op('i32.lt_s').op('select').set(xHi);
        // the window's first in-bounds pixel; taps then step by whole pixels and image rows
        f.get(p.x).get(b).get(p.h).op('i32.mul').get(yLo).op('i32.add').get(p.w).op('i32.mul').get(xLo).op('i32.add').get(cb).op('i32.mul').op('i32.add').set(pix);
        f.forRange(ci, () => f.i32(0), () => f.get(cb), 16, () => {
          // the first in-bounds element, then the whole window (the first again, which never wins)
          f.get(pix).get(ci).op('i32.add').tee(row).simdMem('v128.load').set(acc);
          f.forRange(iy, () => f.get(yLo), () => f.get(yHi), 1, () => {
            f.get(row).set(src);
            f.forRange(ix, () => f.get(xLo), () => f.get(xHi), 1, () => {
              f.get(src).simdMem('v128.load').set(v);
              f.get(v).get(acc).get(v).get(acc).simd('f32x4.gt').simd('v128.bitselect').set(acc);
              f.get(src).get(cb).op('i32.add').set(src);
            });
            f.get(row).get(rowBytes).op('i32.add').set(row);
          });
          f.get(out).get(acc).simdMem('v128.store');
          f.get(out).i32(16).op('i32.add').set(out);
        });
      });
    });
  });
  buildMaxPoolGrad(m);
  return m.bytes();
}

function buildMaxPoolGrad(m: ModuleBuilder): void {
  const names = ['x', 'dy', 'dx', 'n', 'h', 'w', 'c', 'kh', 'kw', 'oh', 'ow', 'sh', 'sw', 'pt', 'pl'] as const;
  const { f } = m.func('maxPoolGrad', names.map(() => 'i32' as const));
  const p = Object.fromEntries(names.map((nm, i) => [nm, f.param(i, 'i32')])) as Record<(typeof names)[number], ReturnType<typeof f.param<'i32'>>>;
  const [b, oy, ox, y0, x0, yLo, yHi, xLo, xHi, iy, ix, ci, g, src, cb, delta, at] = Array.from({ length: 17 }, () => f.local('i32'));
  const [acc, arg, v, lanes, mask] = Array.from({ length: 5 }, () => f.local('v128'));
  const clampLo = (val: () => void, into: typeof yLo) => {
    val();
    f.i32(0);
    val();
    f.i32(0).op('i32.gt_s').op('select').set(into);
  };
  // byte offsets of a v128's four lanes: [0, 4, 8, 12]
  f.f32x4([0, 1, 2, 3]).simd('i32x4.trunc_sat_f32x4_s').i32(2).simd('i32x4.shl').set(lanes);
  f.get(p.c).i32(4).op('i32.mul').set(cb);
  f.get(p.dx).get(p.x).op('i32.sub').set(delta);
  f.get(p.dy).set(g);
  // the window's element at (iy, ix), channel bytes ci: its address in x
  const addr = (row: typeof iy, col: typeof ix) => f.get(p.x).get(b).get(p.h).op('i32.mul').get(row).op('i32.add').get(p.w).op('i32.mul').get(col).op('i32.add').get(cb).op('i32.mul').op('i32.add').get(ci).op('i32.add');
  f.forRange(b, () => f.i32(0), () => f.get(p.n), 1, () => {
    f.forRange(oy, () => f.i32(0), () => f.get(p.oh), 1, () => {
      f.get(oy).get(p.sh).op('i32.mul').get(p.pt).op('i32.sub').set(y0);
      clampLo(() => f.get(y0), yLo);
      f.get(y0).get(p.kh).op('i32.add').get(p.h).get(y0).get(p.kh).op('i32.add').get(p.h).op('i32.lt_s').op('select').set(yHi);
      f.forRange(ox, () => f.i32(0), () => f.get(p.ow), 1, () => {
        f.get(ox).get(p.sw).op('i32.mul').get(p.pl).op('i32.sub').set(x0);
        clampLo(() => f.get(x0), xLo);
        f.get(x0).get(p.kw).op('i32.add').get(p.w).get(x0).get(p.kw).op('i32.add').get(p.w).op('i32.lt_s').op('select').set(xHi);
        f.forRange(ci, () => f.i32(0), () => f.get(cb), 16, () => {
          addr(yLo, xLo).tee(src).simdMem('v128.load').set(acc);
          f.get(src).simd('i32x4.splat').get(lanes).simd('i32x4.add').set(arg);
          f.forRange(iy, () => f.get(yLo), () => f.get(yHi), 1, () => {
            f.forRange(ix, () => f.get(xLo), () => f.get(xHi), 1, () => {
              addr(iy, ix).tee(src).simdMem('v128.load').set(v);
              f.get(v).get(acc).simd('f32x4.gt').set(mask);
              f.get(v).get(acc).get(mask).simd('v128.bitselect').set(acc);
              f.get(src).simd('i32x4.splat').get(lanes).simd('i32x4.add').get(arg).get(mask).simd('v128.bitselect').set(arg);
            });
          });
          for (let lane = 0; lane < 4; lane++) {
            f.get(arg).lane('i32x4.extract_lane', lane).get(delta).op('i32.add').tee(at);
            f.get(at).mem('f32.load').get(g).mem('f32.load', lane * 4).op('f32.add').mem('f32.store');
          }
          f.get(g).i32(16).op('i32.add').set(g);
        });
      });
    });
  });
}
