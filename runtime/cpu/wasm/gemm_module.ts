import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';
import type { FuncBuilder, Local } from './code.js';

/** Columns of the micro-kernel: two f32x4 vectors. */
export const NR = 8;

/**
 * The gemm module, two functions over the shared memory (addresses and strides in bytes):
 *
 * `packB(src, rs, cs, dst, kc, n)`: B(p, j) at src + p·rs + j·cs, p < kc, j < n, into ⌈n/8⌉ panels
 * of 8 columns, each k-major (32 bytes per k step; columns past n are zeros), so the micro-kernel
 * reads B sequentially and a panel (kc·32 bytes) stays in L1. Row-major B (cs = 4) copies whole
 * panels with v128 moves; a transposed B (rs = 4) is gathered column by column, reading along k.
 *
 * `gemm(a, ars, acs, pb, pc, ldc, m, n, kc, set)`: C = (set ? 0 : C) + A·B over one depth block,
 * A(i, p) at a + i·ars + p·acs read in place in either layout (acs = 4: rows along k; ars = 4: a
 * transposed A, the rows of a k step side by side), B packed as above, C(i, j) at pc + i·ldc + 4j.
 * For each B panel and each block of mr rows, an mr×8 block of C is accumulated in 2·mr v128 locals
 * over the whole depth: per k step two B vectors are loaded and each A value is splatted once and
 * feeds two multiply-adds. mr = 4 keeps 8 accumulators + 4 operands (a mul+add needs a product
 * register) within the 16 SIMD registers of x86-64 (6×8 spills). The last rows (m mod mr) run the
 * same loop with fewer rows and the last panel's columns (n mod 8) are stored lane by lane, so
 * neither operand nor C is padded; each element's sum is the same sequence of float32 operations
 * whatever the tile it falls in, hence bit-identical for any m, n and split over threads.
 */
export function buildGemmModule(mr: number, fma: boolean): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  buildPackB(m.func('packB', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']).f);
  const gemm = m.func('gemm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']).f;
  // one small function per (layout, rows): V8 keeps a small loop's accumulators in registers
  const tiles = { row: [] as number[], col: [] as number[] };
  for (const layout of ['row', 'col'] as const) {
    for (let r = 1; r <= mr; r++) {
      const t = m.func(null, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
      buildTile(t.f, r, layout, fma);
      tiles[layout].push(t.index);
    }
  }
  buildGemm(gemm, mr, tiles);
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
 * `block_<layout>_<mode>(a, ars, acs, pb, pc, ldc, mTiles, nPanels, kc)`: the bulk of the work,
 * whole mr×8 tiles only, A's layout and C's mode baked in, loops over panels and tiles around the
 * depth loop in one function: this shape is the one V8 compiles best (it unrolls the depth loop
 * itself; unrolling it in the emitted code made V8 hoist every load of the unrolled steps and spill).
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

/** The depth loop (kc ≥ 1 steps) over A rows at `rows` (one per row, or one for a transposed A). */
function depthLoop(f: FuncBuilder, L: TileLocals, mr: number, layout: 'row' | 'col', rows: readonly Local<'i32'>[], acs: Local<'i32'>, count: Local<'i32'>, kc: Local<'i32'>): void {
  f.get(kc).set(count);
  f.loop((top) => {
    if (layout === 'row') {
      step(f, L, mr, (r) => [rows[r], 0]);
      for (let r = 0; r < mr; r++) f.get(rows[r]).i32(4).op('i32.add').set(rows[r]);
    } else {
      // a transposed A (ars = 4): a k step's rows side by side behind one pointer
      step(f, L, mr, (r) => [rows[0], 4 * r]);
      f.get(rows[0]).get(acs).op('i32.add').set(rows[0]);
    }
    f.get(L.bPtr).get(L.bks).op('i32.add').set(L.bPtr);
    f.get(count).i32(1).op('i32.sub').tee(count).brIf(top);
  });
}

/** mr rows of 8 floats at c (row stride ldc): C + acc, or 0 + acc when `set` (the first depth block). */
function storeWhole(f: FuncBuilder, acc: readonly (readonly Local<'v128'>[])[], mr: number, c: Local<'i32'>, ldc: Local<'i32'>, set: boolean): void {
  for (let r = 0; r < mr; r++) {
    for (let h = 0; h < 2; h++) {
      f.get(c);
      if (set) f.f32x4([0, 0, 0, 0]);
      else f.get(c).simdMem('v128.load', 16 * h);
      f.get(acc[r][h]).simd('f32x4.add').simdMem('v128.store', 16 * h);
    }
    if (r < mr - 1) f.get(c).get(ldc).op('i32.add').set(c);
  }
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

/**
 * The loops over B panels and tiles of mr rows (then the m mod mr rows left), calling the tile
 * function of A's layout: `acs` = 4 rows along k, else a transposed A (`ars` = 4).
 */
function buildGemm(f: FuncBuilder, mr: number, tiles: { readonly row: readonly number[]; readonly col: readonly number[] }): void {
  const [a, ars, acs, pb, bps, bks, pc, ldc, m, n, kc, set] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => f.param(i, 'i32'));
  const jp = f.local('i32');
  const i = f.local('i32');
  const cols = f.local('i32');
  const bPanel = f.local('i32');
  const cCol = f.local('i32');
  const callTile = (index: number): void => {
    f.get(a).get(i).get(ars).op('i32.mul').op('i32.add').get(ars).get(acs).get(bPanel).get(bks).get(kc);
    f.get(cCol).get(i).get(ldc).op('i32.mul').op('i32.add').get(ldc).get(cols).get(set).call(index);
  };
  const loops = (index: readonly number[]) => () => {
    f.forRange(jp, () => f.i32(0), () => f.get(n).i32(NR - 1).op('i32.add').i32(3).op('i32.shr_u'), 1, () => {
      f.get(n).get(jp).i32(3).op('i32.shl').op('i32.sub').set(cols);
      f.get(pb).get(jp).get(bps).op('i32.mul').op('i32.add').set(bPanel);
      f.get(pc).get(jp).i32(NR * 4).op('i32.mul').op('i32.add').set(cCol);
      f.i32(0).set(i);
      f.block((exit) => {
        f.loop((top) => {
          f.get(m).get(i).op('i32.sub').i32(mr).op('i32.lt_s').brIf(exit);
          callTile(index[mr - 1]);
          f.get(i).i32(mr).op('i32.add').set(i);
          f.br(top);
        });
      });
      for (let r = 1; r < mr; r++) f.get(m).get(i).op('i32.sub').i32(r).op('i32.eq').if(() => callTile(index[r - 1]));
    });
  };
  f.get(acs).i32(4).op('i32.eq').if(loops(tiles.row), loops(tiles.col));
}

interface TileLocals {
  readonly bPtr: Local<'i32'>;
  /** Bytes from one k step of B to the next: 32 packed, the row stride when read in place. */
  readonly bks: Local<'i32'>;
  readonly acc: readonly (readonly Local<'v128'>[])[];
  readonly b: readonly Local<'v128'>[];
  readonly av: Local<'v128'>;
  readonly fma: boolean;
}

/**
 * `tile(a, ars, acs, b, kc, c, ldc, cols, set)`: an mr×8 block of C at c (row stride ldc, its first
 * `cols` columns, all 8 when cols ≥ 8) = (set ? 0 : C) + the mr rows of A at a times the packed
 * panel at b, over depth kc.
 */
function buildTile(f: FuncBuilder, mr: number, layout: 'row' | 'col', fma: boolean): void {
  const [a, ars, acs, b, bks, kc, c, ldc, cols, set] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => f.param(i, 'i32'));
  const acc: Local<'v128'>[][] = [];
  for (let r = 0; r < mr; r++) acc.push([f.local('v128'), f.local('v128')]);
  const L: TileLocals = { bPtr: b, bks, acc, b: [f.local('v128'), f.local('v128')], av: f.local('v128'), fma };
  const count = f.local('i32');
  const rows: Local<'i32'>[] = [a];
  for (const row of acc) for (const v of row) f.f32x4([0, 0, 0, 0]).set(v);
  if (layout === 'row') {
    for (let r = 1; r < mr; r++) {
      rows.push(f.local('i32'));
      f.get(rows[r - 1]).get(ars).op('i32.add').set(rows[r]);
    }
  }
  depthLoop(f, L, mr, layout, rows, acs, count, kc);
  store(f, acc, mr, c, ldc, cols, set);
}

/** One k step: two B vectors at bPtr, each row's A value splatted from `aAt(r)`. */
function step(f: FuncBuilder, L: TileLocals, mr: number, aAt: (r: number) => [Local<'i32'>, number]): void {
  f.get(L.bPtr).simdMem('v128.load', 0).set(L.b[0]);
  f.get(L.bPtr).simdMem('v128.load', 16).set(L.b[1]);
  for (let r = 0; r < mr; r++) {
    const [ptr, off] = aAt(r);
    f.get(ptr).simdMem('v128.load32_splat', off).set(L.av);
    for (let h = 0; h < 2; h++) {
      const acc = L.acc[r][h];
      if (L.fma) f.get(L.av).get(L.b[h]).get(acc).simd('f32x4.relaxed_madd').set(acc);
      else f.get(acc).get(L.av).get(L.b[h]).simd('f32x4.mul').simd('f32x4.add').set(acc);
    }
  }
}

/**
 * The block's rows to C: C + acc, or 0 + acc when `set` (the first depth block); whole vectors
 * when the panel has 8 columns, else lane by lane for the first `cols`.
 */
function store(f: FuncBuilder, acc: readonly (readonly Local<'v128'>[])[], mr: number, c: Local<'i32'>, ldc: Local<'i32'>, cols: Local<'i32'>, set: Local<'i32'>): void {
  const rowsOf = (body: (r: number) => void): void => {
    for (let r = 0; r < mr; r++) {
      body(r);
      if (r < mr - 1) f.get(c).get(ldc).op('i32.add').set(c);
    }
  };
  const lanes = (first: boolean) => () => rowsOf((r) => {
    for (let j = 0; j < NR - 1; j++) {
      f.get(cols).i32(j).op('i32.gt_s').if(() => {
        f.get(c);
        if (first) f.f32(0);
        else f.get(c).mem('f32.load', 4 * j);
        f.get(acc[r][j >> 2]).lane('f32x4.extract_lane', j & 3).op('f32.add').mem('f32.store', 4 * j);
      });
    }
  });
  f.get(cols).i32(NR).op('i32.ge_s').if(
    () => f.get(set).if(() => storeWhole(f, acc, mr, c, ldc, true), () => storeWhole(f, acc, mr, c, ldc, false)),
    () => f.get(set).if(lanes(true), lanes(false)),
  );
}
