import type { KernelCall } from './thread_pool.js';
import { splitFor, splitRange } from './threads.js';
import type { KernelJob } from './threads.js';

/** Positions in the im2col module's arguments (im2col_module.ts). */
const DST = 1;
const ROW_STRIDE = 2;
const M0 = 18;
const ROWS = 19;

/**
 * im2col of patch rows [m0, m0 + rows) split by rows into pieces: each writes its own rows
 * (row-major patches, so its destination moves by whole rows). `args` are the one-thread call's.
 */
export function im2colCalls(fn: object, args: readonly number[], K: number): KernelJob {
  const rows = args[ROWS];
  const { threads, pieces } = splitFor(rows * K, rows);
  const lists: KernelCall[][] = [];
  for (let t = 0; t < pieces; t++) {
    const [r0, r1] = splitRange(rows, pieces, t);
    const a = args.slice();
    a[DST] = args[DST] + r0 * args[ROW_STRIDE];
    a[M0] = args[M0] + r0;
    a[ROWS] = r1 - r0;
    lists.push([{ fn, args: a }]);
  }
  return { pieces: lists, threads };
}

/** Positions in the col2im module's arguments (col2im_module.ts). */
const C_SRC = 0;
const C_ROW_STRIDE = 2;
const C_OH = 8;
const C_OW = 9;
const C_M0 = 16;
const C_ROWS = 17;

/**
 * col2im of patch rows [m0, m0 + rows) split into pieces at image boundaries: rows of different
 * images add into disjoint parts of dx, while rows of one image overlap and stay on one thread, in
 * order (the one-thread order of the adds). A chunk within one image stays on this thread.
 */
export function col2imCalls(fn: object, args: readonly number[], K: number): KernelJob {
  const m0 = args[C_M0];
  const rows = args[C_ROWS];
  const pixels = args[C_OH] * args[C_OW];
  const first = Math.floor(m0 / pixels);
  const images = rows === 0 ? 0 : Math.floor((m0 + rows - 1) / pixels) - first + 1;
  const { threads, pieces } = splitFor(rows * K, images);
  const lists: KernelCall[][] = [];
  for (let t = 0; t < pieces; t++) {
    const [i0, i1] = splitRange(images, pieces, t);
    const lo = Math.max(m0, (first + i0) * pixels);
    const hi = Math.min(m0 + rows, (first + i1) * pixels);
    const a = args.slice();
    a[C_SRC] = args[C_SRC] + (lo - m0) * args[C_ROW_STRIDE];
    a[C_M0] = lo;
    a[C_ROWS] = Math.max(0, hi - lo);
    lists.push([{ fn, args: a }]);
  }
  return { pieces: lists, threads };
}
