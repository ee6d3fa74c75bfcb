import { blockExport, NR } from './gemm_module.js';
import type { KernelCall } from './thread_pool.js';
import { splitFor, splitRange } from './threads.js';
import type { KernelJob } from './threads.js';

/** Rows of the micro-kernel (see gemm_module.ts for why 4). */
export const MR = 4;
/** Depth of a packed block: a B panel of KC·8 floats (8 KiB) stays in L1. */
export const KC = 256;
/**
 * Floats of A per call: an A block of 64 KiB (64 rows of a whole depth block) stays in L2 while
 * every B panel streams by. A shallow block takes more rows per call (a 25-deep conv: 652), so a
 * skinny product is not hundreds of calls each paying its entry and tile setup.
 */
const A_BLOCK = 64 * KC;

/** Rows of A per call for a depth block of kc: whole tiles, at least 64. */
const rowsPerCall = (kc: number): number => Math.max(64, Math.floor(A_BLOCK / kc / MR) * MR);

/** gemm_module.ts's whole-tile function for one A layout and C mode. */
export type GemmBlock = (a: number, ars: number, acs: number, pb: number, bps: number, bks: number, pc: number, ldc: number, mTiles: number, nPanels: number, kc: number) => void;

export interface GemmExports {
  /** Any rows and columns: the remainders the blocks leave. */
  gemm(a: number, ars: number, acs: number, pb: number, bps: number, bks: number, pc: number, ldc: number, m: number, n: number, kc: number, set: number): void;
  packB(src: number, rs: number, cs: number, dst: number, kc: number, n: number): void;
  /** By `blockExport(rowsAlongK, set)`. */
  blocks: Readonly<Record<string, GemmBlock>>;
}

/**
 * Where a gemm's operands sit in wasm memory, as float offsets and strides: A(i, p) at
 * aAt + i·ars + p·acs (acs = 1 or ars = 1), B(p, j) at bAt + p·brs + j·bcs, C(i, j) at cAt + i·ldc + j.
 */
export interface GemmLayout {
  readonly aAt: number;
  readonly ars: number;
  readonly acs: number;
  readonly bAt: number;
  readonly brs: number;
  readonly bcs: number;
  /** The packed-B scratch: kcMax × nPad floats per copy (packCopies). */
  readonly pAt: number;
  readonly cAt: number;
  readonly ldc: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly kcMax: number;
  /** C = A·B, ignoring what C held (the first depth block stores 0 + its sum), rather than C += A·B. */
  readonly set: boolean;
}

/** Where the micro-kernel reads B panels: byte address, bytes between panels, bytes between k steps. */
interface Panels {
  readonly at: number;
  readonly ps: number;
  readonly ks: number;
}

/**
 * Most rows for which a row-major B is read in place rather than packed: packing costs a pass over
 * B that few rows do not repay (64×784·784×256 on one thread: 20% faster unpacked), while many rows
 * reuse each panel enough that its contiguity wins (1024³ unpacked is 1.8× slower: each k step of
 * a panel is a new 4 KiB page).
 */
const DIRECT_MAX_ROWS = 256;
let directMaxRows = DIRECT_MAX_ROWS;

/** Tests: read B in place up to this many rows (0: always pack), or back to the default (null). */
export function setDirectMaxRowsForTests(rows: number | null): void {
  directMaxRows = rows ?? DIRECT_MAX_ROWS;
}

type Split = { readonly by: 'columns' | 'rows'; readonly pieces: number; readonly threads: number };

/**
 * How the gemm is split into pieces for the threads. Every C element is computed by exactly one
 * piece with the same float operations as on one thread (depth blocks in order, each accumulated
 * from zero then added to C), so the result is bit-identical whatever the split. By column panels
 * when there are as many as the pieces wanted (or as row tiles): each piece packs only its own
 * panels (no extra scratch, no duplicated packing); by row tiles otherwise (few panels, e.g. a conv
 * with few output channels): each piece packs the whole B block into its own copy of the scratch.
 */
function split(m: number, n: number, k: number): Split {
  const mTiles = Math.ceil(m / MR);
  const nPanels = Math.ceil(n / NR);
  const { threads, pieces } = splitFor(mTiles * MR * nPanels * NR * k, Math.max(mTiles, nPanels));
  if (pieces <= 1) return { by: 'columns', pieces: 1, threads: 1 };
  return nPanels >= Math.min(pieces, mTiles) ? { by: 'columns', pieces: Math.min(pieces, nPanels), threads } : { by: 'rows', pieces: Math.min(pieces, mTiles), threads };
}

/** Copies of the packed-B scratch the gemm of these sizes needs (one per piece when split by rows). */
export function packCopies(m: number, n: number, k: number): number {
  const s = split(m, n, k);
  return s.by === 'rows' ? s.pieces : 1;
}

/** The pieces (each a list of packB/gemm calls) of the product laid out as `l`. */
export function gemmCalls(ex: GemmExports, l: GemmLayout): KernelJob {
  const s = split(l.m, l.n, l.k);
  const mTiles = Math.ceil(l.m / MR);
  const nPanels = Math.ceil(l.n / NR);
  const nPad = nPanels * NR;
  // few rows reuse each B panel little: B row-major in wasm memory is then read in place, unpacked
  const direct = l.bcs === 1 && l.m <= directMaxRows;
  const lists: KernelCall[][] = [];
  for (let t = 0; t < s.pieces; t++) {
    const [j0, j1] = s.by === 'columns' ? splitRange(nPanels, s.pieces, t) : [0, nPanels];
    const [r0, r1] = s.by === 'rows' ? splitRange(mTiles, s.pieces, t) : [0, mTiles];
    const [c0, c1] = [j0 * NR, Math.min(j1 * NR, l.n)];
    const [i0, i1] = [r0 * MR, Math.min(r1 * MR, l.m)];
    // columns: piece t packs its panels where they would sit in one whole packed block
    const pack = s.by === 'columns' ? l.pAt + l.kcMax * c0 : l.pAt + t * l.kcMax * nPad;
    const calls: KernelCall[] = [];
    const [full, left] = [Math.floor((c1 - c0) / NR), (c1 - c0) % NR];
    for (let p0 = 0; p0 < l.k; p0 += KC) {
      const kc = Math.min(KC, l.k - p0);
      // B's whole panels (first byte, bytes between panels, bytes between k steps), and its last
      // partial panel, always packed: zeros past n, so no lane reads past B
      const packed: Panels = { at: pack * 4, ps: kc * NR * 4, ks: NR * 4 };
      const whole: Panels = direct ? { at: (l.bAt + p0 * l.brs + c0) * 4, ps: NR * 4, ks: l.brs * 4 } : packed;
      const last: Panels = { at: packed.at + full * packed.ps, ps: packed.ps, ks: packed.ks };
      if (!direct) calls.push({ fn: ex.packB, args: [(l.bAt + p0 * l.brs + c0 * l.bcs) * 4, l.brs * 4, l.bcs * 4, pack * 4, kc, c1 - c0] });
      else if (left > 0) calls.push({ fn: ex.packB, args: [(l.bAt + p0 * l.brs + (c0 + full * NR)) * 4, l.brs * 4, 4, last.at, kc, left] });
      const set = l.set && p0 === 0;
      const block = ex.blocks[blockExport(l.acs === 1, set)];
      const mcMax = rowsPerCall(kc);
      for (let i = i0; i < i1; i += mcMax) {
        const mc = Math.min(mcMax, i1 - i);
        const tiles = Math.floor(mc / MR);
        // A(row, p0) and C(row, col) as byte addresses
        const a = (row: number): number => (l.aAt + row * l.ars + p0 * l.acs) * 4;
        const c = (row: number, col: number): number => (l.cAt + row * l.ldc + col) * 4;
        const edge = (row: number, rows: number, col: number, cols: number, b: Panels): KernelCall => ({
          fn: ex.gemm, args: [a(row), l.ars * 4, l.acs * 4, b.at, b.ps, b.ks, c(row, col), l.ldc * 4, rows, cols, kc, set ? 1 : 0],
        });
        // the whole tiles, then the last panel's columns, then the rows left below the tiles
        if (tiles > 0 && full > 0) calls.push({ fn: block, args: [a(i), l.ars * 4, l.acs * 4, whole.at, whole.ps, whole.ks, c(i, c0), l.ldc * 4, tiles, full, kc] });
        if (tiles > 0 && left > 0) calls.push(edge(i, tiles * MR, c0 + full * NR, left, last));
        if (mc > tiles * MR && full > 0) calls.push(edge(i + tiles * MR, mc - tiles * MR, c0, full * NR, whole));
        if (mc > tiles * MR && left > 0) calls.push(edge(i + tiles * MR, mc - tiles * MR, c0 + full * NR, left, last));
      }
    }
    lists.push(calls);
  }
  return { pieces: lists, threads: s.threads };
}
