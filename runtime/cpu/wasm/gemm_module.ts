import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';
import type { FuncBuilder, Local } from './code.js';

/** Columns of the micro-kernel: two f32x4 vectors. */
export const NR = 8;

/**
 * The gemm module, two functions over the shared memory (addresses and strides in bytes):
 *
 * `packB(src, ldb, dst, kc, nPanels)`: rows [0, kc) of a row-major B (row stride ldb, a multiple
 * of 32 bytes wide) into `nPanels` panels of 8 columns, each k-major (32 bytes per k step), so the
 * micro-kernel reads B sequentially and each panel (kc·32 bytes) stays in L1.
 *
 * `gemm(a, lda, pb, pc, ldc, mTiles, nPanels, kc)`: C += A·B for A row-major in place (mTiles·mr
 * rows, depth kc), B packed as above, C(i, j) at pc + i·ldc + 4j. For each B panel and each block of
 * mr rows, an mr×8 block of C is accumulated in 2·mr v128 locals over the whole depth: per k step
 * two B vectors are loaded and each A value is splatted once and feeds two multiply-adds. mr = 4
 * keeps 8 accumulators + 3 operands, which V8 holds in the 16 SIMD registers of x86-64 (6×8 spills).
 */
export function buildGemmModule(mr: number, fma: boolean): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  buildPackB(m.func('packB', ['i32', 'i32', 'i32', 'i32', 'i32']).f);
  buildGemm(m.func('gemm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']).f, mr, fma);
  return m.bytes();
}

function buildPackB(f: FuncBuilder): void {
  const [src, ldb, dst, kc, nPanels] = [0, 1, 2, 3, 4].map((i) => f.param(i, 'i32'));
  const p = f.local('i32');
  const q = f.local('i32');
  const from = f.local('i32');
  const to = f.local('i32');
  const panel = f.local('i32');
  f.get(kc).i32(NR * 4).op('i32.mul').set(panel);
  f.forRange(p, () => f.i32(0), () => f.get(kc), 1, () => {
    f.get(src).get(p).get(ldb).op('i32.mul').op('i32.add').set(from);
    f.get(dst).get(p).i32(NR * 4).op('i32.mul').op('i32.add').set(to);
    f.forRange(q, () => f.i32(0), () => f.get(nPanels), 1, () => {
      f.get(to).get(from).simdMem('v128.load', 0).simdMem('v128.store', 0);
      f.get(to).get(from).simdMem('v128.load', 16).simdMem('v128.store', 16);
      f.get(from).i32(NR * 4).op('i32.add').set(from);
      f.get(to).get(panel).op('i32.add').set(to);
    });
  });
}

function buildGemm(f: FuncBuilder, mr: number, fma: boolean): void {
  const [a, lda, pb, pc, ldc, mTiles, nPanels, kc] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => f.param(i, 'i32'));
  const jp = f.local('i32');
  const ip = f.local('i32');
  const p = f.local('i32');
  const rows: Local<'i32'>[] = [];
  for (let r = 0; r < mr; r++) rows.push(f.local('i32'));
  const bPtr = f.local('i32');
  const cRow = f.local('i32');
  const acc: Local<'v128'>[][] = [];
  for (let r = 0; r < mr; r++) acc.push([f.local('v128'), f.local('v128')]);
  const b = [f.local('v128'), f.local('v128')];
  const av = f.local('v128');
  const panelB = NR * 4;

  f.forRange(jp, () => f.i32(0), () => f.get(nPanels), 1, () => {
    f.forRange(ip, () => f.i32(0), () => f.get(mTiles), 1, () => {
      // rows[r] = a + (ip·mr + r)·lda, bPtr = pb + jp·8·kc·4
      f.get(a).get(ip).i32(mr).op('i32.mul').get(lda).op('i32.mul').op('i32.add').set(rows[0]);
      for (let r = 1; r < mr; r++) f.get(rows[r - 1]).get(lda).op('i32.add').set(rows[r]);
      f.get(pb).get(jp).get(kc).op('i32.mul').i32(panelB).op('i32.mul').op('i32.add').set(bPtr);
      for (const row of acc) for (const v of row) f.f32x4([0, 0, 0, 0]).set(v);
      f.get(kc).set(p);
      f.loop((top) => {
        f.get(bPtr).simdMem('v128.load', 0).set(b[0]);
        f.get(bPtr).simdMem('v128.load', 16).set(b[1]);
        for (let r = 0; r < mr; r++) {
          f.get(rows[r]).simdMem('v128.load32_splat', 0).set(av);
          for (let h = 0; h < 2; h++) {
            if (fma) f.get(av).get(b[h]).get(acc[r][h]).simd('f32x4.relaxed_madd').set(acc[r][h]);
            else f.get(acc[r][h]).get(av).get(b[h]).simd('f32x4.mul').simd('f32x4.add').set(acc[r][h]);
          }
          f.get(rows[r]).i32(4).op('i32.add').set(rows[r]);
        }
        f.get(bPtr).i32(panelB).op('i32.add').set(bPtr);
        f.get(p).i32(1).op('i32.sub').tee(p).brIf(top);
      });
      // C block: rows ip·mr .. ip·mr+mr-1, columns jp·8 .. jp·8+7
      f.get(pc).get(ip).i32(mr).op('i32.mul').get(ldc).op('i32.mul').op('i32.add').get(jp).i32(panelB).op('i32.mul').op('i32.add').set(cRow);
      for (let r = 0; r < mr; r++) {
        for (let h = 0; h < 2; h++) {
          f.get(cRow).get(cRow).simdMem('v128.load', 16 * h).get(acc[r][h]).simd('f32x4.add').simdMem('v128.store', 16 * h);
        }
        if (r < mr - 1) f.get(cRow).get(ldc).op('i32.add').set(cRow);
      }
    });
  });
}
