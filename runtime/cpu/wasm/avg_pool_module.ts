import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';

/**
 * `avgPool(x, y, n, h, w, c, kh, kw, oh, ow, sh, sw, pt, pl)` and `avgPoolGrad(dy, dx, ...)` on
 * NHWC float32, any channel count. Each window's in-bounds elements are visited in the JS
 * kernel's order (pool_kernel.ts), and each visit does what its `y[o] += x[s] * inv` does: the
 * product and sum in double (inv = 1/count in double), rounded to float32 on store. In f64x2
 * lanes over channel pairs (an odd last channel alone), so the result is the JS kernel's bit for
 * bit. The forward adds into the output at the window (y must be zero on entry); the gradient
 * adds dy at the window into dx at each element (dx zero on entry). Addresses in bytes.
 */
export function buildAvgPoolModule(): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  build(m, 'avgPool', false);
  build(m, 'avgPoolGrad', true);
  return m.bytes();
}

const NAMES = ['src', 'dst', 'n', 'h', 'w', 'c', 'kh', 'kw', 'oh', 'ow', 'sh', 'sw', 'pt', 'pl'] as const;

function build(m: ModuleBuilder, name: string, grad: boolean): void {
  const { f } = m.func(name, NAMES.map(() => 'i32' as const));
  const p = Object.fromEntries(NAMES.map((nm, i) => [nm, f.param(i, 'i32')])) as Record<(typeof NAMES)[number], ReturnType<typeof f.param<'i32'>>>;
  const [b, oy, ox, yLo, yHi, xLo, xHi, iy, ix, ci, cb, pairs, win, elem, to, from] = Array.from({ length: 16 }, () => f.local('i32'));
  const inv = f.local('v128');
  const lo = (v: () => void, into: typeof yLo) => {
    // max(v, 0)
    v();
    f.i32(0);
    v();
    f.i32(0).op('i32.gt_s').op('select').set(into);
  };
  const hi = (v: () => void, k: typeof p.kh, size: typeof p.h, into: typeof yHi) => {
    // min(v + k, size)
    v();
    f.get(k).op('i32.add').get(size);
    v();
    f.get(k).op('i32.add').get(size).op('i32.lt_s').op('select').set(into);
  };
  f.get(p.c).i32(2).op('i32.shl').set(cb);
  f.get(p.c).i32(-2).op('i32.and').i32(2).op('i32.shl').set(pairs);
  // the element's value times inv, plus the accumulator's, rounded to float32 and stored
  const visit = (wide: boolean) => {
    const load = wide ? 'v128.load64_zero' : 'v128.load32_zero';
    f.get(to).get(ci).op('i32.add');
    f.get(from).get(ci).op('i32.add').simdMem(load).simd('f64x2.promote_low_f32x4').get(inv).simd('f64x2.mul');
    f.get(to).get(ci).op('i32.add').simdMem(load).simd('f64x2.promote_low_f32x4').simd('f64x2.add');
    f.simd('f32x4.demote_f64x2_zero').simdMemLane(wide ? 'v128.store64_lane' : 'v128.store32_lane', 0);
  };
  f.forRange(b, () => f.i32(0), () => f.get(p.n), 1, () => {
    f.forRange(oy, () => f.i32(0), () => f.get(p.oh), 1, () => {
      const y0 = () => f.get(oy).get(p.sh).op('i32.mul').get(p.pt).op('i32.sub');
      lo(y0, yLo);
      hi(y0, p.kh, p.h, yHi);
      f.forRange(ox, () => f.i32(0), () => f.get(p.ow), 1, () => {
        const x0 = () => f.get(ox).get(p.sw).op('i32.mul').get(p.pl).op('i32.sub');
        lo(x0, xLo);
        hi(x0, p.kw, p.w, xHi);
        // inv = 1 / count in double; an empty window is never visited
        f.i32(1).op('f64.convert_i32_s');
        f.get(yHi).get(yLo).op('i32.sub').get(xHi).get(xLo).op('i32.sub').op('i32.mul').op('f64.convert_i32_s');
        f.op('f64.div').simd('f64x2.splat').set(inv);
        // the window's output element, in bytes from its array's start
        f.get(b).get(p.oh).op('i32.mul').get(oy).op('i32.add').get(p.ow).op('i32.mul').get(ox).op('i32.add').get(cb).op('i32.mul').set(win);
        f.forRange(iy, () => f.get(yLo), () => f.get(yHi), 1, () => {
          f.forRange(ix, () => f.get(xLo), () => f.get(xHi), 1, () => {
            f.get(b).get(p.h).op('i32.mul').get(iy).op('i32.add').get(p.w).op('i32.mul').get(ix).op('i32.add').get(cb).op('i32.mul').set(elem);
            // forward: y[win] += x[elem]·inv; gradient: dx[elem] += dy[win]·inv
            f.get(p.dst).get(grad ? elem : win).op('i32.add').set(to);
            f.get(p.src).get(grad ? win : elem).op('i32.add').set(from);
            f.forRange(ci, () => f.i32(0), () => f.get(pairs), 8, () => visit(true));
            f.get(pairs).get(cb).op('i32.lt_s').if(() => {
              f.get(pairs).set(ci);
              visit(false);
            });
          });
        });
      });
    });
  });
}
