import type { FuncBuilder, Local } from './code.js';
import { ModuleBuilder } from './module.js';
import { emitPatchRowStart } from './patch_row.js';
import { heapMemoryType } from './memory_type.js';

/**
 * `im2col(x, dst, rs, ks, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl, cg, m0, rows)`: patch
 * rows [m0, m0+rows) of an NHWC image at `x` (channels [0, cg), cg = c for an ungrouped conv),
 * element (r, k) at dst + r·rs + k·ks bytes, k = (ky, kx, ci): rs = K·4, ks = 4 is row-major, rs =
 * 4, ks = rows·4 the transposed patches the filter gradient needs. Taps outside the image are zero.
 * Row-major channels are copied four at a time where four remain. Geometry as in
 * ops/nn/conv_params.ts.
 */
export function buildIm2colModule(): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  const names = ['x', 'dst', 'rs', 'ks', 'h', 'w', 'c', 'kh', 'kw', 'oh', 'ow', 'sh', 'sw', 'dh', 'dw', 'pt', 'pl', 'cg', 'm0', 'rows'] as const;
  const { f } = m.func('im2col', names.map(() => 'i32' as const));
  const p = Object.fromEntries(names.map((n, i) => [n, f.param(i, 'i32')])) as Record<(typeof names)[number], ReturnType<typeof f.param<'i32'>>>;
  const [r, mm, ox, oy, nb, ky, kx, iy, ix, d, src, ci, cg4, cb, rowBase, tap] = Array.from({ length: 16 }, () => f.local('i32'));

  // cg4 = cg rounded down to a multiple of 4 (channels copied as v128), 0 unless row-major
  f.get(p.cg).i32(-4).op('i32.and').i32(0).get(p.ks).i32(4).op('i32.eq').op('select').set(cg4);
  f.get(p.c).i32(4).op('i32.mul').set(cb);
  // bytes one tap advances the destination: cg elements of ks bytes
  f.get(p.cg).get(p.ks).op('i32.mul').set(tap);
  // row-major, ungrouped, undilated columns: a patch row's taps along kx are one contiguous run of
  // the image row, so each (row, ky) is a zero head, one copy and a zero tail, with no per-tap
  // branch (the per-tap loop below cost ~7 ns a tap for one channel, half of LeNet's forward pass)
  f.get(p.ks).i32(4).op('i32.eq').get(p.dw).i32(1).op('i32.eq').op('i32.and').get(p.cg).get(p.c).op('i32.eq').op('i32.and');
  f.if(() => contiguousRows(f, p), () => perTapRows());
  function perTapRows(): void {
  f.forRange(r, () => f.i32(0), () => f.get(p.rows), 1, () => {
    emitPatchRowStart(f, p, r, p.dst, { mm, ox, oy, nb, at: d });
    f.forRange(ky, () => f.i32(0), () => f.get(p.kh), 1, () => {
      f.get(oy).get(p.sh).op('i32.mul').get(p.pt).op('i32.sub').get(ky).get(p.dh).op('i32.mul').op('i32.add').set(iy);
      // the image row's first byte (meaningful only when iy is inside)
      f.get(p.x).get(nb).get(p.h).op('i32.mul').get(iy).op('i32.add').get(p.w).op('i32.mul').get(cb).op('i32.mul').op('i32.add').set(rowBase);
      f.forRange(kx, () => f.i32(0), () => f.get(p.kw), 1, () => {
        f.get(ox).get(p.sw).op('i32.mul').get(p.pl).op('i32.sub').get(kx).get(p.dw).op('i32.mul').op('i32.add').set(ix);
        // inside when 0 <= iy < h and 0 <= ix < w: one unsigned compare each
        f.get(iy).get(p.h).op('i32.lt_u').get(ix).get(p.w).op('i32.lt_u').op('i32.and');
        f.if(() => {
          f.get(rowBase).get(ix).get(cb).op('i32.mul').op('i32.add').set(src);
          f.get(p.cg).i32(1).op('i32.eq');
          // one channel (a first layer): a single copy, no loops
          f.if(() => f.get(d).get(src).mem('f32.load').mem('f32.store'), () => {
            f.i32(0).set(ci);
            f.block((done4) => {
              f.loop((top) => {
                f.get(ci).get(cg4).op('i32.ge_s').brIf(done4);
                f.get(d).get(ci).i32(4).op('i32.mul').op('i32.add').get(src).get(ci).i32(4).op('i32.mul').op('i32.add').simdMem('v128.load').simdMem('v128.store');
                f.get(ci).i32(4).op('i32.add').set(ci);
                f.br(top);
              });
            });
            f.block((done) => {
              f.loop((top) => {
                f.get(ci).get(p.cg).op('i32.ge_s').brIf(done);
                f.get(d).get(ci).get(p.ks).op('i32.mul').op('i32.add').get(src).get(ci).i32(4).op('i32.mul').op('i32.add').mem('f32.load').mem('f32.store');
                f.get(ci).i32(1).op('i32.add').set(ci);
                f.br(top);
              });
            });
          });
        }, () => {
          f.forRange(ci, () => f.i32(0), () => f.get(p.cg), 1, () => {
            f.get(d).get(ci).get(p.ks).op('i32.mul').op('i32.add').f32(0).mem('f32.store');
          });
        });
        f.get(d).get(tap).op('i32.add').set(d);
      });
    });
  });
  }
  return m.bytes();
}

type I32 = Local<'i32'>;
type Params = Record<'x' | 'dst' | 'rs' | 'h' | 'w' | 'c' | 'kh' | 'kw' | 'oh' | 'ow' | 'sh' | 'sw' | 'dh' | 'pt' | 'pl' | 'm0' | 'rows', I32>;

/** The contiguous-run path of `im2col` (ks = 4 bytes, dw = 1, cg = c). */
function contiguousRows(f: FuncBuilder, p: Params): void {
  const [r, mm, ox, oy, nb, ky, iy, d, ix0, head, run, rowBytes, cb] = Array.from({ length: 13 }, () => f.local('i32'));
  f.get(p.c).i32(4).op('i32.mul').set(cb);
  f.get(p.kw).get(cb).op('i32.mul').set(rowBytes);
  f.forRange(r, () => f.i32(0), () => f.get(p.rows), 1, () => {
    emitPatchRowStart(f, p, r, p.dst, { mm, ox, oy, nb, at: d });
    // the image column of tap kx = 0; taps [kx0, kx1) fall inside: kx0 = max(0, -ix0),
    // kx1 = min(kw, w - ix0), kept ≥ kx0; head = kx0 taps of zeros, run = kx1 - kx0 taps copied
    f.get(ox).get(p.sw).op('i32.mul').get(p.pl).op('i32.sub').set(ix0);
    f.i32(0).get(ix0).op('i32.sub').tee(head).i32(0).get(head).i32(0).op('i32.gt_s').op('select').set(head);
    f.get(p.w).get(ix0).op('i32.sub').tee(run).get(p.kw).get(run).get(p.kw).op('i32.lt_s').op('select').set(run);
    f.get(run).get(head).op('i32.sub').tee(run).i32(0).get(run).i32(0).op('i32.gt_s').op('select').set(run);
    f.get(head).get(p.kw).get(head).get(p.kw).op('i32.lt_s').op('select').get(cb).op('i32.mul').set(head);
    f.get(run).get(cb).op('i32.mul').set(run);
    f.forRange(ky, () => f.i32(0), () => f.get(p.kh), 1, () => {
      f.get(oy).get(p.sh).op('i32.mul').get(p.pt).op('i32.sub').get(ky).get(p.dh).op('i32.mul').op('i32.add').set(iy);
      f.get(iy).get(p.h).op('i32.lt_u');
      f.if(() => {
        fillZero(f, d, head);
        // source: image (nb, iy, ix0 + kx0), i.e. ix0·cb + head bytes into the image row
        const src = f.local('i32');
        f.get(p.x).get(nb).get(p.h).op('i32.mul').get(iy).op('i32.add').get(p.w).op('i32.mul').get(cb).op('i32.mul').op('i32.add');
        f.get(ix0).get(cb).op('i32.mul').op('i32.add').get(head).op('i32.add').set(src);
        const at = f.local('i32');
        f.get(d).get(head).op('i32.add').set(at);
        copyBytes(f, at, src, run);
        f.get(at).get(run).op('i32.add').set(at);
        const tail = f.local('i32');
        f.get(rowBytes).get(head).op('i32.sub').get(run).op('i32.sub').set(tail);
        fillZero(f, at, tail);
      }, () => fillZero(f, d, rowBytes));
      f.get(d).get(rowBytes).op('i32.add').set(d);
    });
  });
}

/** Zeroes `bytes` (a multiple of 4) from `at`: 16 bytes a store, then 4. */
function fillZero(f: FuncBuilder, at: I32, bytes: I32): void {
  const i = f.local('i32');
  f.i32(0).set(i);
  f.block((done) => {
    f.loop((top) => {
      f.get(i).i32(16).op('i32.add').get(bytes).op('i32.gt_s').brIf(done);
      f.get(at).get(i).op('i32.add').f32x4([0, 0, 0, 0]).simdMem('v128.store');
      f.get(i).i32(16).op('i32.add').set(i);
      f.br(top);
    });
  });
  f.block((done) => {
    f.loop((top) => {
      f.get(i).get(bytes).op('i32.ge_s').brIf(done);
      f.get(at).get(i).op('i32.add').f32(0).mem('f32.store');
      f.get(i).i32(4).op('i32.add').set(i);
      f.br(top);
    });
  });
}

/** Copies `bytes` (a multiple of 4) from `src` to `dst`: 16 bytes a move (unaligned), then 4. */
function copyBytes(f: FuncBuilder, dst: I32, src: I32, bytes: I32): void {
  const i = f.local('i32');
  f.i32(0).set(i);
  f.block((done) => {
    f.loop((top) => {
      f.get(i).i32(16).op('i32.add').get(bytes).op('i32.gt_s').brIf(done);
      f.get(dst).get(i).op('i32.add').get(src).get(i).op('i32.add').simdMem('v128.load').simdMem('v128.store');
      f.get(i).i32(16).op('i32.add').set(i);
      f.br(top);
    });
  });
  f.block((done) => {
    f.loop((top) => {
      f.get(i).get(bytes).op('i32.ge_s').brIf(done);
      f.get(dst).get(i).op('i32.add').get(src).get(i).op('i32.add').mem('f32.load').mem('f32.store');
      f.get(i).i32(4).op('i32.add').set(i);
      f.br(top);
    });
  });
}
