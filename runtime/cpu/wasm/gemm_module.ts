import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';
import type { FuncBuilder, Local } from './code.js';

/** Columns of the micro-kernel: two f32x4 vectors. */
export const NR = 8;
/** Depth steps per loop iteration when A's rows run along k: the pointer updates are paid once per four. */
const UNROLL = 4;

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
  buildGemm(m.func('gemm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']).f, mr, fma);
  return m.bytes();
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

interface GemmLocals {
  readonly a: Local<'i32'>;
  readonly ars: Local<'i32'>;
  readonly acs: Local<'i32'>;
  readonly ldc: Local<'i32'>;
  readonly set: Local<'i32'>;
  readonly kc: Local<'i32'>;
  readonly i: Local<'i32'>;
  readonly rows: readonly Local<'i32'>[];
  readonly bPanel: Local<'i32'>;
  readonly bPtr: Local<'i32'>;
  readonly count: Local<'i32'>;
  readonly cRow: Local<'i32'>;
  readonly cCol: Local<'i32'>;
  readonly full: Local<'i32'>;
  readonly cols: Local<'i32'>;
  readonly acc: readonly (readonly Local<'v128'>[])[];
  readonly b: readonly Local<'v128'>[];
  readonly av: Local<'v128'>;
  readonly fma: boolean;
}

function buildGemm(f: FuncBuilder, mr: number, fma: boolean): void {
  const [a, ars, acs, pb, pc, ldc, m, n, kc, set] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => f.param(i, 'i32'));
  const jp = f.local('i32');
  const nPanels = f.local('i32');
  const acc: Local<'v128'>[][] = [];
  for (let r = 0; r < mr; r++) acc.push([f.local('v128'), f.local('v128')]);
  const rows: Local<'i32'>[] = [];
  for (let r = 0; r < mr; r++) rows.push(f.local('i32'));
  const L: GemmLocals = {
    a, ars, acs, ldc, set, kc, rows, acc, fma,
    i: f.local('i32'), bPanel: f.local('i32'), bPtr: f.local('i32'), count: f.local('i32'),
    cRow: f.local('i32'), cCol: f.local('i32'), full: f.local('i32'), cols: f.local('i32'),
    b: [f.local('v128'), f.local('v128')], av: f.local('v128'),
  };
  f.get(n).i32(NR - 1).op('i32.add').i32(3).op('i32.shr_u').set(nPanels);
  f.forRange(jp, () => f.i32(0), () => f.get(nPanels), 1, () => {
    f.get(n).get(jp).i32(3).op('i32.shl').op('i32.sub').set(L.cols);
    f.get(L.cols).i32(NR).op('i32.ge_s').set(L.full);
    f.get(pb).get(jp).get(kc).op('i32.mul').i32(NR * 4).op('i32.mul').op('i32.add').set(L.bPanel);
    f.get(pc).get(jp).i32(NR * 4).op('i32.mul').op('i32.add').set(L.cCol);
    f.i32(0).set(L.i);
    // whole tiles of mr rows, then the m mod mr rows left
    f.block((exit) => {
      f.loop((top) => {
        f.get(m).get(L.i).op('i32.sub').i32(mr).op('i32.lt_s').brIf(exit);
        tile(f, L, mr);
        f.get(L.i).i32(mr).op('i32.add').set(L.i);
        f.br(top);
      });
    });
    for (let r = 1; r < mr; r++) f.get(m).get(L.i).op('i32.sub').i32(r).op('i32.eq').if(() => tile(f, L, r));
  });
}

/** Rows i .. i+mr-1 of C against the current panel. */
function tile(f: FuncBuilder, L: GemmLocals, mr: number): void {
  for (const row of L.acc.slice(0, mr)) for (const v of row) f.f32x4([0, 0, 0, 0]).set(v);
  f.get(L.bPanel).set(L.bPtr);
  f.get(L.a).get(L.i).get(L.ars).op('i32.mul').op('i32.add').set(L.rows[0]);
  f.get(L.acs).i32(4).op('i32.eq').if(
    () => {
      // rows along k: one pointer per row, constant offsets within an unrolled group of k steps
      for (let r = 1; r < mr; r++) f.get(L.rows[r - 1]).get(L.ars).op('i32.add').set(L.rows[r]);
      countDown(f, L.count, () => f.get(L.kc).i32(Math.log2(UNROLL)).op('i32.shr_u'), () => {
        for (let u = 0; u < UNROLL; u++) step(f, L, mr, (r) => [L.rows[r], 4 * u], 32 * u);
        for (let r = 0; r < mr; r++) f.get(L.rows[r]).i32(4 * UNROLL).op('i32.add').set(L.rows[r]);
        f.get(L.bPtr).i32(32 * UNROLL).op('i32.add').set(L.bPtr);
      });
      countDown(f, L.count, () => f.get(L.kc).i32(UNROLL - 1).op('i32.and'), () => {
        step(f, L, mr, (r) => [L.rows[r], 0], 0);
        for (let r = 0; r < mr; r++) f.get(L.rows[r]).i32(4).op('i32.add').set(L.rows[r]);
        f.get(L.bPtr).i32(32).op('i32.add').set(L.bPtr);
      });
    },
    () => {
      // a transposed A (ars = 4): a k step's rows side by side behind one pointer
      countDown(f, L.count, () => f.get(L.kc), () => {
        step(f, L, mr, (r) => [L.rows[0], 4 * r], 0);
        f.get(L.rows[0]).get(L.acs).op('i32.add').set(L.rows[0]);
        f.get(L.bPtr).i32(32).op('i32.add').set(L.bPtr);
      });
    },
  );
  store(f, L, mr);
}

/** One k step: two B vectors at bPtr + bOff, each row's A value splatted from `aAt(r)`. */
function step(f: FuncBuilder, L: GemmLocals, mr: number, aAt: (r: number) => [Local<'i32'>, number], bOff: number): void {
  f.get(L.bPtr).simdMem('v128.load', bOff).set(L.b[0]);
  f.get(L.bPtr).simdMem('v128.load', bOff + 16).set(L.b[1]);
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

/** C block rows i .. i+mr-1 of the panel: C + acc, or 0 + acc when `set` (the first depth block). */
function store(f: FuncBuilder, L: GemmLocals, mr: number): void {
  const rowsOf = (body: (r: number) => void): void => {
    f.get(L.cCol).get(L.i).get(L.ldc).op('i32.mul').op('i32.add').set(L.cRow);
    for (let r = 0; r < mr; r++) {
      body(r);
      if (r < mr - 1) f.get(L.cRow).get(L.ldc).op('i32.add').set(L.cRow);
    }
  };
  const whole = (first: boolean) => () => rowsOf((r) => {
    for (let h = 0; h < 2; h++) {
      f.get(L.cRow);
      if (first) f.f32x4([0, 0, 0, 0]);
      else f.get(L.cRow).simdMem('v128.load', 16 * h);
      f.get(L.acc[r][h]).simd('f32x4.add').simdMem('v128.store', 16 * h);
    }
  });
  const lanes = (first: boolean) => () => rowsOf((r) => {
    for (let c = 0; c < NR - 1; c++) {
      f.get(L.cols).i32(c).op('i32.gt_s').if(() => {
        f.get(L.cRow);
        if (first) f.f32(0);
        else f.get(L.cRow).mem('f32.load', 4 * c);
        f.get(L.acc[r][c >> 2]).lane('f32x4.extract_lane', c & 3).op('f32.add').mem('f32.store', 4 * c);
      });
    }
  });
  f.get(L.full).if(
    () => f.get(L.set).if(whole(true), whole(false)),
    () => f.get(L.set).if(lanes(true), lanes(false)),
  );
}
