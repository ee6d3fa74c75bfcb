import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';
import type { FuncBuilder, Local } from './code.js';
import { buildEdge, buildTile, depthLoop, NR, storeWhole } from './gemm_tiles.js';
import type { TileLocals } from './gemm_tiles.js';

export { NR } from './gemm_tiles.js';

/**
 * The gemm module, over the shared memory (addresses and strides in bytes). C(i, j) at
 * pc + i·ldc + 4j gets C + A·B over one depth block of kc, or 0 + A·B when `set` (the first block
 * of a product that overwrites C). A(i, p) at a + i·ars + p·acs is read in place in either layout:
 * `row` (acs = 4, rows along k) or `col` (ars = 4, a transposed A: a k step's rows side by side).
 * B is read in panels of 8 columns: panel j at pb + j·bps, k step p at + p·bks — packed (bks = 32,
 * by `packB`) or a row-major B in place (bps = 32, bks = its row stride).
 *
 * - `packB(src, rs, cs, dst, kc, n)`: B(p, j) at src + p·rs + j·cs, p < kc, j < n, into ⌈n/8⌉
 *   panels, each k-major (32 bytes per k step; columns past n are zeros), so a panel (kc·32 bytes)
 *   streams from L1. A row-major B (cs = 4) moves whole panels with v128 loads; a transposed one
 *   (rs = 4) is gathered column by column, reading along k.
 * - `block_<layout>_<add|set>(a, ars, acs, pb, bps, bks, pc, ldc, mTiles, nPanels, kc)`: the bulk,
 *   whole tiles of mr rows × 8 columns (buildBlock).
 * - `gemm(a, ars, acs, pb, bps, bks, pc, ldc, m, n, kc, set)`: any m and n, for the rows and
 *   columns the blocks leave (gemm_tiles.ts).
 *
 * Each element's sum is the same sequence of float32 operations whichever function and tile
 * computes it (k ascending from zero within the block, then added to C), so the result is
 * bit-identical for any shape, layout and split over threads.
 */
export function buildGemmModule(mr: number, fma: boolean): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  buildPackB(m.func('packB', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']).f);
  const gemm = m.func('gemm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']).f;
  // the edge's tile functions, one per (layout, rows), called by `gemm`
  const tiles = { row: [] as number[], col: [] as number[] };
  for (const layout of ['row', 'col'] as const) {
    for (let r = 1; r <= mr; r++) {
      const t = m.func(null, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
      buildTile(t.f, r, layout, fma);
      tiles[layout].push(t.index);
    }
  }
  buildEdge(gemm, mr, tiles);
  for (const layout of ['row', 'col'] as const) {
    for (const set of [false, true]) {
      const name = `block_${layout}_${set ? 'set' : 'add'}`;
      buildBlock(m.func(name, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']).f, mr, layout, set, fma);
    }
  }
  return m.bytes();
}

/** The export that runs whole tiles and panels for A's layout and C's mode (see buildBlock). */
export function blockExport(rowsAlongK: boolean, set: boolean): string {
  return `block_${rowsAlongK ? 'row' : 'col'}_${set ? 'set' : 'add'}`;
}

/**
 * `block_<layout>_<mode>`: whole mr×8 tiles only, A's layout and C's mode baked in, the loops over
 * panels and tiles around the depth loop in one function. This is the shape V8 compiles best: it
 * unrolls the depth loop by two itself (one stack check per two steps); the same loop in a function
 * per tile ran 15% slower (not unrolled), and unrolled by four in the emitted code 45% slower (V8
 * hoisted every load of the four steps and spilled).
 */
function buildBlock(f: FuncBuilder, mr: number, layout: 'row' | 'col', set: boolean, fma: boolean): void {
  const [a, ars, acs, pb, bps, bks, pc, ldc, mTiles, nPanels, kc] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => f.param(i, 'i32'));
  const jp = f.local('i32');
  const ip = f.local('i32');
  const count = f.local('i32');
  const rows: Local<'i32'>[] = [];
  for (let r = 0; r < (layout === 'row' ? mr : 1); r++) rows.push(f.local('i32'));
  const bPtr = f.local('i32');
  const cRow = f.local('i32');
  const acc: Local<'v128'>[][] = [];
  for (let r = 0; r < mr; r++) acc.push([f.local('v128'), f.local('v128')]);
  const L: TileLocals = { bPtr, bks, acc, b: [f.local('v128'), f.local('v128')], av: f.local('v128'), fma };
  f.forRange(jp, () => f.i32(0), () => f.get(nPanels), 1, () => {
    f.forRange(ip, () => f.i32(0), () => f.get(mTiles), 1, () => {
      f.get(a).get(ip).i32(mr).op('i32.mul').get(ars).op('i32.mul').op('i32.add').set(rows[0]);
      for (let r = 1; r < rows.length; r++) f.get(rows[r - 1]).get(ars).op('i32.add').set(rows[r]);
      f.get(pb).get(jp).get(bps).op('i32.mul').op('i32.add').set(bPtr);
      for (const row of acc) for (const v of row) f.f32x4([0, 0, 0, 0]).set(v);
      depthLoop(f, L, mr, layout, rows, acs, count, kc);
      f.get(pc).get(ip).i32(mr).op('i32.mul').get(ldc).op('i32.mul').op('i32.add').get(jp).i32(NR * 4).op('i32.mul').op('i32.add').set(cRow);
      storeWhole(f, acc, mr, cRow, ldc, set);
    });
  });
}

/** `for (count = n; count > 0; count--) body()` as a do-while behind one test. */
function countDown(f: FuncBuilder, count: Local<'i32'>, n: () => void, body: () => void): void {
  n();
  f.tee(count).if(() => {
    f.loop((top) => {
      body();
      f.get(count).i32(1).op('i32.sub').tee(count).brIf(top);
    });
  });
}

function buildPackB(f: FuncBuilder): void {
  const [src, rs, cs, dst, kc, n] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i, 'i32'));
  const p = f.local('i32');
  const q = f.local('i32');
  const j = f.local('i32');
  const from = f.local('i32');
  const to = f.local('i32');
  const panel = f.local('i32');
  const nFull = f.local('i32');
  f.get(kc).i32(NR * 4).op('i32.mul').set(panel);
  f.get(n).i32(3).op('i32.shr_u').set(nFull);
  // one column of the packed block: j's k values, 32 bytes apart
  const column = (): void => {
    f.get(dst).get(j).i32(3).op('i32.shr_u').get(panel).op('i32.mul').op('i32.add').get(j).i32(7).op('i32.and').i32(4).op('i32.mul').op('i32.add').set(to);
    f.get(j).get(n).op('i32.lt_u').if(
      () => {
        f.get(src).get(j).get(cs).op('i32.mul').op('i32.add').set(from);
        countDown(f, q, () => f.get(kc), () => {
          f.get(to).get(from).mem('f32.load').mem('f32.store');
          f.get(from).get(rs).op('i32.add').set(from);
          f.get(to).i32(NR * 4).op('i32.add').set(to);
        });
      },
      () => countDown(f, q, () => f.get(kc), () => {
        f.get(to).f32(0).mem('f32.store');
        f.get(to).i32(NR * 4).op('i32.add').set(to);
      }),
    );
  };
  f.get(cs).i32(4).op('i32.eq').if(
    () => {
      // row-major: each k row's whole panels, two v128 moves each
      f.forRange(p, () => f.i32(0), () => f.get(kc), 1, () => {
        f.get(src).get(p).get(rs).op('i32.mul').op('i32.add').set(from);
        f.get(dst).get(p).i32(NR * 4).op('i32.mul').op('i32.add').set(to);
        f.forRange(q, () => f.i32(0), () => f.get(nFull), 1, () => {
          f.get(to).get(from).simdMem('v128.load', 0).simdMem('v128.store', 0);
          f.get(to).get(from).simdMem('v128.load', 16).simdMem('v128.store', 16);
          f.get(from).i32(NR * 4).op('i32.add').set(from);
          f.get(to).get(panel).op('i32.add').set(to);
        });
      });
    },
    () => f.forRange(j, () => f.i32(0), () => f.get(nFull).i32(3).op('i32.shl'), 1, column),
  );
  // the last, partial panel: its columns one by one, zeros past n
  f.get(n).i32(7).op('i32.and').if(() => {
    f.forRange(j, () => f.get(nFull).i32(3).op('i32.shl'), () => f.get(nFull).i32(3).op('i32.shl').i32(NR).op('i32.add'), 1, column);
  });
}

