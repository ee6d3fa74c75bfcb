import { ModuleBuilder } from './module.js';
import { emitPatchRowStart } from './patch_row.js';
import { heapMemoryType } from './memory_type.js';

/**
 * `col2im(src, dx, rs, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl, m0, rows)`: the adjoint of
 * the row-major im2col for an ungrouped NHWC conv. Patch row r (output pixel m0 + r) starts at
 * src + r·rs bytes with taps k = (ky, kx, ci); each in-image tap's c channels are added into dx
 * (NHWC, c channels), four at a time as v128 where four remain. Taps in the padding are skipped.
 * Rows are added in order, so every dx element sums its contributions in the JS kernel's order.
 */
export function buildCol2imModule(): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  const names = ['src', 'dx', 'rs', 'h', 'w', 'c', 'kh', 'kw', 'oh', 'ow', 'sh', 'sw', 'dh', 'dw', 'pt', 'pl', 'm0', 'rows'] as const;
  const { f } = m.func('col2im', names.map(() => 'i32' as const));
  const p = Object.fromEntries(names.map((n, i) => [n, f.param(i, 'i32')])) as Record<(typeof names)[number], ReturnType<typeof f.param<'i32'>>>;
  const [r, mm, ox, oy, nb, ky, kx, iy, ix, s, d, ci, cb, cb4, rowBase] = Array.from({ length: 15 }, () => f.local('i32'));

  f.get(p.c).i32(4).op('i32.mul').set(cb);
  // bytes of the channels copied as v128
  f.get(cb).i32(-16).op('i32.and').set(cb4);
  f.forRange(r, () => f.i32(0), () => f.get(p.rows), 1, () => {
    emitPatchRowStart(f, p, r, p.src, { mm, ox, oy, nb, at: s });
    f.forRange(ky, () => f.i32(0), () => f.get(p.kh), 1, () => {
      f.get(oy).get(p.sh).op('i32.mul').get(p.pt).op('i32.sub').get(ky).get(p.dh).op('i32.mul').op('i32.add').set(iy);
      f.get(p.dx).get(nb).get(p.h).op('i32.mul').get(iy).op('i32.add').get(p.w).op('i32.mul').get(cb).op('i32.mul').op('i32.add').set(rowBase);
      f.forRange(kx, () => f.i32(0), () => f.get(p.kw), 1, () => {
        f.get(ox).get(p.sw).op('i32.mul').get(p.pl).op('i32.sub').get(kx).get(p.dw).op('i32.mul').op('i32.add').set(ix);
        // inside when 0 <= iy < h and 0 <= ix < w: one unsigned compare each
        f.get(iy).get(p.h).op('i32.lt_u').get(ix).get(p.w).op('i32.lt_u').op('i32.and');
        f.if(() => {
          f.get(rowBase).get(ix).get(cb).op('i32.mul').op('i32.add').set(d);
          f.i32(0).set(ci);
          f.block((done4) => {
            f.loop((top) => {
              f.get(ci).get(cb4).op('i32.ge_s').brIf(done4);
              f.get(d).get(ci).op('i32.add');
              f.get(d).get(ci).op('i32.add').simdMem('v128.load');
              f.get(s).get(ci).op('i32.add').simdMem('v128.load');
              f.simd('f32x4.add').simdMem('v128.store');
              f.get(ci).i32(16).op('i32.add').set(ci);
              f.br(top);
            });
          });
          f.block((done) => {
            f.loop((top) => {
              f.get(ci).get(cb).op('i32.ge_s').brIf(done);
              f.get(d).get(ci).op('i32.add');
              f.get(d).get(ci).op('i32.add').mem('f32.load');
              f.get(s).get(ci).op('i32.add').mem('f32.load');
              f.op('f32.add').mem('f32.store');
              f.get(ci).i32(4).op('i32.add').set(ci);
              f.br(top);
            });
          });
        });
        f.get(s).get(cb).op('i32.add').set(s);
      });
    });
  });
  return m.bytes();
}
