import { NR } from './gemm_module.js';
import type { KernelCall } from './thread_pool.js';
import { splitFor, splitRange } from './threads.js';
import type { KernelJob } from './threads.js';

/** Rows of the micro-kernel (see gemm_module.ts for why 4). */
export const MR = 4;
/** Depth of a packed block: a B panel of KC·8 floats (8 KiB) stays in L1. */
export const KC = 256;
/** Rows of A per call: an MC×KC block (64 KiB) stays in L2 while every B panel streams by. */
const MC = 64;

export interface GemmExports {
  gemm(a: number, lda: number, pb: number, pc: number, ldc: number, mTiles: number, nPanels: number, kc: number): void;
  packB(src: number, ldb: number, dst: number, kc: number, nPanels: number): void;
}

/** Where a gemm's operands sit in wasm memory (float offsets) and its padded sizes. */
export interface GemmLayout {
  readonly aAt: number;
  readonly bAt: number;
  readonly ldb: number;
  /** The packed-B scratch: kcMax × nPad floats per copy (packCopies). */
  readonly pAt: number;
  readonly cAt: number;
  readonly k: number;
  readonly mPad: number;
  readonly nPad: number;
  readonly kcMax: number;
}

type Split = { readonly by: 'columns' | 'rows'; readonly pieces: number; readonly threads: number };

/**
 * How the gemm is split into pieces for the threads. Every C tile is computed by exactly one piece
 * with the same calls as on one thread (depth blocks in order, each accumulated from zero then
 * added to C), so the result is bit-identical whatever the split. By column panels when there are as
 * many as the pieces wanted (or as row tiles): each piece packs only its own panels (no extra scratch, no
 * duplicated packing); by row tiles otherwise (few panels, e.g. a conv with few output channels):
 * each piece packs the whole B block into its own copy of the scratch.
 */
function split(mPad: number, nPad: number, k: number): Split {
  const mTiles = mPad / MR;
  const nPanels = nPad / NR;
  const { threads, pieces } = splitFor(mPad * nPad * k, Math.max(mTiles, nPanels));
  if (pieces <= 1) return { by: 'columns', pieces: 1, threads: 1 };
  return nPanels >= Math.min(pieces, mTiles) ? { by: 'columns', pieces: Math.min(pieces, nPanels), threads } : { by: 'rows', pieces: Math.min(pieces, mTiles), threads };
}

/** Copies of the packed-B scratch the gemm of these sizes needs (one per piece when split by rows). */
export function packCopies(mPad: number, nPad: number, k: number): number {
  const s = split(mPad, nPad, k);
  return s.by === 'rows' ? s.pieces : 1;
}

/** The pieces (each a list of packB/gemm calls) of C += A·B laid out as `l`. */
export function gemmCalls(ex: GemmExports, l: GemmLayout): KernelJob {
  const s = split(l.mPad, l.nPad, l.k);
  const mTiles = l.mPad / MR;
  const nPanels = l.nPad / NR;
  const lists: KernelCall[][] = [];
  for (let t = 0; t < s.pieces; t++) {
    const [j0, j1] = s.by === 'columns' ? splitRange(nPanels, s.pieces, t) : [0, nPanels];
    const [r0, r1] = s.by === 'rows' ? splitRange(mTiles, s.pieces, t) : [0, mTiles];
    // columns: piece t packs its panels where they would sit in one whole packed block
    const pack = s.by === 'columns' ? l.pAt + l.kcMax * j0 * NR : l.pAt + t * l.kcMax * l.nPad;
    const calls: KernelCall[] = [];
    for (let p0 = 0; p0 < l.k; p0 += KC) {
      const kc = Math.min(KC, l.k - p0);
      calls.push({ fn: ex.packB, args: [(l.bAt + p0 * l.ldb + j0 * NR) * 4, l.ldb * 4, pack * 4, kc, j1 - j0] });
      for (let i0 = r0 * MR; i0 < r1 * MR; i0 += MC) {
        const mc = Math.min(MC, r1 * MR - i0);
        calls.push({ fn: ex.gemm, args: [(l.aAt + i0 * l.k + p0) * 4, l.k * 4, pack * 4, (l.cAt + i0 * l.nPad + j0 * NR) * 4, l.nPad * 4, mc / MR, j1 - j0, kc] });
      }
    }
    lists.push(calls);
  }
  return { pieces: lists, threads: s.threads };
}
