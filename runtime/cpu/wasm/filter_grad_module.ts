import type { Local } from './code.js';
import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';

/** Pixels per depth block: the gemm's KC, since the sums must restart where the gemm's do. */
export const BLOCK = 256;

/**
 * The filter gradient of a conv with few output channels, without a patch matrix:
 *
 * `filterGrad(x, dy, c, offs, k0, taps, m0, rows, oh, ow, oc, xPix, xRow, xImage, fma)` adds, for
 * taps [k0, k0 + taps) and every output channel, Σ dy[m, o]·patch[m, k] over pixels
 * [m0, m0 + rows) into C [K, oc] at `c` (row stride oc·4), one depth block of 256 pixels at a time
 * from m0: each block's sum starts from zero and is then added to C, as the gemm dfᵀ = dyᵀ·patches
 * adds each depth block (wasm_conv.ts). patch[m, k] is read from the zero-padded image at x: the
 * pixel's window origin (image·xImage + oy·xRow + ox·xPix bytes) plus the tap's byte offset from
 * the i32 table at `offs`. Per pixel, a tile of 4 taps × 8 channels: two dy vectors, four splats,
 * eight multiply-adds in the gemm's operand order (dy first, then the patch value; relaxed `madd`
 * when the gemm uses it), so every sum is the gemm's bit for bit. Addresses in bytes.
 */
export function buildFilterGradModule(fma: boolean): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  const names = ['x', 'dy', 'c', 'offs', 'k0', 'taps', 'm0', 'rows', 'oh', 'ow', 'oc', 'xPix', 'xRow', 'xImage'] as const;
  const { f } = m.func('filterGrad', names.map(() => 'i32' as const));
  const p = Object.fromEntries(names.map((n, i) => [n, f.param(i, 'i32')])) as Record<(typeof names)[number], Local<'i32'>>;
  const [g, groups, k, kEnd, b, end, len, mm, ptr, ox, dyp, cp, pix, ocBytes] = Array.from({ length: 14 }, () => f.local('i32'));
  const off = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  const acc = Array.from({ length: 4 }, () => [f.local('v128'), f.local('v128')]);
  const dv = [f.local('v128'), f.local('v128')];
  const sv = f.local('v128');

  /** ptr and ox for pixel mm: its window origin in the padded image. */
  const locate = (): void => {
    f.get(p.oh).get(p.ow).op('i32.mul').set(pix);
    f.get(mm).get(p.ow).op('i32.rem_u').set(ox);
    f.get(p.x).get(mm).get(pix).op('i32.div_u').get(p.xImage).op('i32.mul').op('i32.add');
    f.get(mm).get(p.ow).op('i32.div_u').get(p.oh).op('i32.rem_u').get(p.xRow).op('i32.mul').op('i32.add');
    f.get(ox).get(p.xPix).op('i32.mul').op('i32.add').set(ptr);
  };

  /** Taps k .. k + tile - 1 of channel group g (vecs vectors) over every block. */
  const tile = (nt: number, vecs: number): void => {
    for (let q = 0; q < nt; q++) f.get(p.offs).get(k).i32(4).op('i32.mul').op('i32.add').mem('i32.load', 4 * q).set(off[q]);
    f.forRange(b, () => f.get(p.m0), () => f.get(end), BLOCK, () => {
      for (let q = 0; q < nt; q++) for (let h = 0; h < vecs; h++) f.f32x4([0, 0, 0, 0]).set(acc[q][h]);
      // len = min(BLOCK, end - b)
      f.i32(BLOCK).get(end).get(b).op('i32.sub').i32(BLOCK).get(end).get(b).op('i32.sub').op('i32.lt_s').op('select').set(len);
      f.get(b).set(mm);
      locate();
      f.get(p.dy).get(b).get(ocBytes).op('i32.mul').op('i32.add').get(g).i32(32).op('i32.mul').op('i32.add').set(dyp);
      f.loop((top) => {
        for (let h = 0; h < vecs; h++) f.get(dyp).simdMem('v128.load', 16 * h).set(dv[h]);
        for (let q = 0; q < nt; q++) {
          f.get(ptr).get(off[q]).op('i32.add').simdMem('v128.load32_splat').set(sv);
          for (let h = 0; h < vecs; h++) {
            if (fma) f.get(dv[h]).get(sv).get(acc[q][h]).simd('f32x4.relaxed_madd').set(acc[q][h]);
            else f.get(acc[q][h]).get(dv[h]).get(sv).simd('f32x4.mul').simd('f32x4.add').set(acc[q][h]);
          }
        }
        f.get(dyp).get(ocBytes).op('i32.add').set(dyp);
        // the next pixel: one step along the row, or the start of the next output row
        f.get(mm).i32(1).op('i32.add').set(mm);
        f.get(ox).i32(1).op('i32.add').tee(ox).get(p.ow).op('i32.eq').if(() => locate(), () => f.get(ptr).get(p.xPix).op('i32.add').set(ptr));
        f.get(len).i32(1).op('i32.sub').tee(len).brIf(top);
      });
      // C[k + q, group g] += the block's sums
      for (let q = 0; q < nt; q++) {
        f.get(p.c).get(k).i32(q).op('i32.add').get(ocBytes).op('i32.mul').op('i32.add').get(g).i32(32).op('i32.mul').op('i32.add').set(cp);
        for (let h = 0; h < vecs; h++) f.get(cp).get(cp).simdMem('v128.load', 16 * h).get(acc[q][h]).simd('f32x4.add').simdMem('v128.store', 16 * h);
      }
    });
  };

  /** Every tap of [k0, k0 + taps) for channel group g: tiles of 4, then single taps. */
  const allTaps = (vecs: number): void => {
    f.get(p.k0).get(p.taps).op('i32.add').set(kEnd);
    f.forRange(k, () => f.get(p.k0), () => f.get(kEnd).i32(3).op('i32.sub'), 4, () => tile(4, vecs));
    // forRange leaves k at the first tap no whole tile took (k0 when none did)
    f.block((exit) => {
      f.loop((top) => {
        f.get(k).get(kEnd).op('i32.ge_s').brIf(exit);
        tile(1, vecs);
        f.get(k).i32(1).op('i32.add').set(k);
        f.br(top);
      });
    });
  };

  f.get(p.oc).i32(4).op('i32.mul').set(ocBytes);
  f.get(p.m0).get(p.rows).op('i32.add').set(end);
  f.get(p.oc).i32(3).op('i32.shr_u').set(groups);
  f.forRange(g, () => f.i32(0), () => f.get(groups), 1, () => allTaps(2));
  f.get(p.oc).i32(7).op('i32.and').if(() => allTaps(1));
  return m.bytes();
}
