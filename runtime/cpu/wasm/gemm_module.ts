import { ModuleBuilder } from './module.js';
import type { Local } from './code.js';

/** Columns of the micro-kernel: two f32x4 vectors. */
export const NR = 8;

/**
 * The gemm module: `gemm(pa, pb, pc, ldc, mTiles, nPanels, kc)` does C += A·B on packed operands.
 * A is `mTiles` panels of `mr` rows, each stored k-major (`mr` floats per k step); B is `nPanels`
 * panels of 8 columns, each k-major (8 floats per k step); C(i, j) is at pc + i·ldc + 4j bytes.
 * For each B panel (kept in L1 across the A panels) and each A panel, an mr×8 block of C is
 * accumulated in 2·mr v128 registers over the whole depth: per k step two B vectors are loaded,
 * each A value is splatted once and feeds two multiply-adds. With mr = 6 that is 12 accumulators,
 * 2 B and 1 A vector: 15 of the 16 SIMD registers of x86-64.
 */
export function buildGemmModule(mr: number, fma: boolean): Uint8Array {
  const m = new ModuleBuilder();
  const { f } = m.func('gemm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [pa, pb, pc, ldc, mTiles, nPanels, kc] = [0, 1, 2, 3, 4, 5, 6].map((i) => f.param(i, 'i32'));
  const jp = f.local('i32');
  const ip = f.local('i32');
  const p = f.local('i32');
  const aPtr = f.local('i32');
  const bPtr = f.local('i32');
  const cRow = f.local('i32');
  const acc: Local<'v128'>[][] = [];
  for (let r = 0; r < mr; r++) acc.push([f.local('v128'), f.local('v128')]);
  const b = [f.local('v128'), f.local('v128')];
  const a = f.local('v128');
  const panelA = mr * 4; // bytes of A per k step
  const panelB = NR * 4;

  f.forRange(jp, () => f.i32(0), () => f.get(nPanels), 1, () => {
    f.forRange(ip, () => f.i32(0), () => f.get(mTiles), 1, () => {
      // aPtr = pa + ip·mr·kc·4, bPtr = pb + jp·8·kc·4
      f.get(pa).get(ip).get(kc).op('i32.mul').i32(panelA).op('i32.mul').op('i32.add').set(aPtr);
      f.get(pb).get(jp).get(kc).op('i32.mul').i32(panelB).op('i32.mul').op('i32.add').set(bPtr);
      for (const row of acc) for (const v of row) f.f32x4([0, 0, 0, 0]).set(v);
      f.get(kc).set(p);
      f.loop((top) => {
        f.get(bPtr).simdMem('v128.load', 0).set(b[0]);
        f.get(bPtr).simdMem('v128.load', 16).set(b[1]);
        for (let r = 0; r < mr; r++) {
          f.get(aPtr).simdMem('v128.load32_splat', 4 * r).set(a);
          for (let h = 0; h < 2; h++) {
            if (fma) f.get(a).get(b[h]).get(acc[r][h]).simd('f32x4.relaxed_madd').set(acc[r][h]);
            else f.get(acc[r][h]).get(a).get(b[h]).simd('f32x4.mul').simd('f32x4.add').set(acc[r][h]);
          }
        }
        f.get(aPtr).i32(panelA).op('i32.add').set(aPtr);
        f.get(bPtr).i32(panelB).op('i32.add').set(bPtr);
        f.get(p).i32(1).op('i32.sub').tee(p).brIf(top);
      });
      // C block: row (ip·mr + r), columns jp·8 .. jp·8+7
      f.get(pc).get(ip).i32(mr).op('i32.mul').get(ldc).op('i32.mul').op('i32.add').get(jp).i32(panelB).op('i32.mul').op('i32.add').set(cRow);
      for (let r = 0; r < mr; r++) {
        for (let h = 0; h < 2; h++) {
          f.get(cRow).get(cRow).simdMem('v128.load', 16 * h).get(acc[r][h]).simd('f32x4.add').simdMem('v128.store', 16 * h);
        }
        if (r < mr - 1) f.get(cRow).get(ldc).op('i32.add').set(cRow);
      }
    });
  });
  return m.bytes();
}
