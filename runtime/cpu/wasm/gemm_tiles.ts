import type { FuncBuilder, Local } from './code.js';

/** Columns of the micro-kernel: two f32x4 vectors. */
export const NR = 8;

/**
 * The micro-kernel's pieces: an mr×8 block of C accumulated in 2·mr v128 locals over the whole
 * depth; per k step two B vectors are loaded and each A value is splatted once and feeds two
 * multiply-adds. mr = 4 keeps 8 accumulators + 4 operands (mul+add needs a product register)
 * within the 15 SIMD registers V8 allocates on x86-64 (xmm15 is its scratch; 6×8 would spill).
 * Relaxed `madd` where the engine validates it, mul then add otherwise.
 */
export interface TileLocals {
  readonly bPtr: Local<'i32'>;
  /** Bytes from one k step of B to the next: 32 packed, the row stride when read in place. */
  readonly bks: Local<'i32'>;
  readonly acc: readonly (readonly Local<'v128'>[])[];
  readonly b: readonly Local<'v128'>[];
  readonly av: Local<'v128'>;
  readonly fma: boolean;
}

/** The depth loop (kc ≥ 1 steps) over A rows at `rows` (one per row, or one for a transposed A). */
export function depthLoop(f: FuncBuilder, L: TileLocals, mr: number, layout: 'row' | 'col', rows: readonly Local<'i32'>[], acs: Local<'i32'>, count: Local<'i32'>, kc: Local<'i32'>): void {
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
export function storeWhole(f: FuncBuilder, acc: readonly (readonly Local<'v128'>[])[], mr: number, c: Local<'i32'>, ldc: Local<'i32'>, set: boolean): void {
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

/**
 * `gemm(a, ars, acs, pb, bps, bks, pc, ldc, m, n, kc, set)`, for the rows and columns the whole-tile
 * blocks leave: loops over panels and tiles of mr rows (then the m mod mr rows left), calling the
 * tile function of A's layout (`acs` = 4 rows along k, else a transposed A, `ars` = 4). The last
 * panel's columns (n mod 8) are stored lane by lane, so neither operand nor C is ever padded.
 */
export function buildEdge(f: FuncBuilder, mr: number, tiles: { readonly row: readonly number[]; readonly col: readonly number[] }): void {
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


/**
 * `tile(a, ars, acs, b, bks, kc, c, ldc, cols, set)`: an mr×8 block of C at c (row stride ldc,
 * its first `cols` columns, all 8 when cols ≥ 8) = (set ? 0 : C) + the mr rows of A at a times the
 * B panel at b (k steps bks bytes apart), over depth kc.
 */
export function buildTile(f: FuncBuilder, mr: number, layout: 'row' | 'col', fma: boolean): void {
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
