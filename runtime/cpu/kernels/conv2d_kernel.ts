import { gemm } from './gemm.js';
import { wasmKernelsOn } from '../wasm/kernel_mode.js';
import { wasmConv2d, wasmConv2dBackpropInput, wasmConv2dFilterGrad } from '../wasm/wasm_conv.js';
import { directConvFits, wasmDirectConv2d } from '../wasm/wasm_direct_conv.js';
import { directFilterGradFits, wasmDirectFilterGrad } from '../wasm/wasm_direct_filter_grad.js';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { InternalError } from '../../../graph/ir/index.js';

/**
 * Conv2D and its two backprops on NHWC data, as matrix products over the patch ("im2col") matrix:
 * row m is one output pixel (n, oy, ox), column k one filter tap (ky, kx, channel), so the HWIO
 * filter is already the [K, O] right-hand side. Patches are built a chunk of rows at a time, which
 * bounds the scratch memory and keeps a chunk in cache while the GEMM consumes it. Grouped
 * convolution runs each group on its channel slice.
 */

/** Scratch elements per chunk of the patch matrix (256 KiB of float32). */
const CHUNK = 1 << 16;

function chunkRows(k: number, m: number): number {
  return Math.max(1, Math.min(m, Math.floor(CHUNK / Math.max(k, 1))));
}

/**
 * Writes patch rows [m0, m0+rows) for channels [c0, c0+cg) into `dst`, element (r, k) at
 * r*rs + k*ks (rs=K, ks=1: row-major; rs=1, ks=rows: transposed). Padding reads as zero.
 */
function im2col(x: Float32Array, g: Geometry, c0: number, cg: number, m0: number, rows: number, dst: Float32Array, rs: number, ks: number): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl } = g;
  for (let r = 0; r < rows; r++) {
    const m = m0 + r;
    const ox = m % ow;
    const oy = Math.floor(m / ow) % oh;
    const n = Math.floor(m / (ow * oh));
    let k = 0;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - pt + ky * dh;
      const rowOk = iy >= 0 && iy < h;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw - pl + kx * dw;
        let d = r * rs + k * ks;
        if (rowOk && ix >= 0 && ix < w) {
          const src = ((n * h + iy) * w + ix) * c + c0;
          for (let ci = 0; ci < cg; ci++, d += ks) dst[d] = x[src + ci];
        } else {
          for (let ci = 0; ci < cg; ci++, d += ks) dst[d] = 0;
        }
        k += cg;
      }
    }
  }
}

/** Adds patch rows back into the image: the adjoint of im2col (row-major rows only). */
function col2im(src: Float32Array, g: Geometry, c0: number, cg: number, m0: number, rows: number, dx: Float32Array): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl } = g;
  const K = kh * kw * cg;
  for (let r = 0; r < rows; r++) {
    const m = m0 + r;
    const ox = m % ow;
    const oy = Math.floor(m / ow) % oh;
    const n = Math.floor(m / (ow * oh));
    let s = r * K;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - pt + ky * dh;
      if (iy < 0 || iy >= h) {
        s += kw * cg;
        continue;
      }
      for (let kx = 0; kx < kw; kx++, s += cg) {
        const ix = ox * sw - pl + kx * dw;
        if (ix < 0 || ix >= w) continue;
        const d = ((n * h + iy) * w + ix) * c + c0;
        for (let ci = 0; ci < cg; ci++) dx[d + ci] += src[s + ci];
      }
    }
  }
}

/** Columns [j0, j0+cols) of a row-major [rows, width] matrix, packed. */
function sliceCols(a: Float32Array, off: number, rows: number, width: number, j0: number, cols: number, dst: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const s = off + r * width + j0;
    const d = r * cols;
    for (let j = 0; j < cols; j++) dst[d + j] = a[s + j];
  }
}

/** Adds a packed [rows, cols] block into columns [j0, j0+cols) of a [.., width] matrix at row off. */
function addCols(src: Float32Array, rows: number, cols: number, dst: Float32Array, off: number, width: number, j0: number): void {
  for (let r = 0; r < rows; r++) {
    const d = off + r * width + j0;
    const s = r * cols;
    for (let j = 0; j < cols; j++) dst[d + j] += src[s + j];
  }
}

/** The [K, og] block of an HWIO filter [kh, kw, cg, oc] for group gi (the filter itself for one group). */
function groupFilter(f: Float32Array, K: number, oc: number, og: number, gi: number, groups: number): Float32Array {
  if (groups === 1) return f;
  const out = new Float32Array(K * og);
  sliceCols(f, 0, K, oc, gi * og, og, out);
  return out;
}

function transpose2d(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) t[j * rows + r] = a[r * cols + j];
  return t;
}

/**
 * y[n, oh, ow, oc] = conv(x[n, h, w, cg*groups], f[kh, kw, cg, oc]), into `into` when given (zeroed,
 * M·oc floats: the gemm paths add into it), else a fresh array.
 */
export function conv2dNHWC(x: Float32Array, f: Float32Array, g: Geometry, cg: number, oc: number, into?: Float32Array): Float32Array {
  const groups = g.c / cg;
  const og = oc / groups;
  const K = g.kh * g.kw * cg;
  const M = g.n * g.oh * g.ow;
  if (into && into.length !== M * oc) throw new InternalError(`Conv2D: an output of ${into.length} floats for ${M * oc}`);
  const y = into ?? new Float32Array(M * oc);
  if (M === 0 || oc === 0) return y;
  if (groups === 1 && K > 0 && wasmKernelsOn()) {
    if (directConvFits(g, oc)) wasmDirectConv2d(x, f, g, oc, y);
    else wasmConv2d(x, f, g, oc, y);
    return y;
  }
  const step = chunkRows(K, M);
  const cols = new Float32Array(step * K);
  const tmp = groups === 1 ? y : new Float32Array(step * og);
  for (let gi = 0; gi < groups; gi++) {
    const fg = groupFilter(f, K, oc, og, gi, groups);
    for (let m0 = 0; m0 < M; m0 += step) {
      const rows = Math.min(step, M - m0);
      im2col(x, g, gi * cg, cg, m0, rows, cols, K, 1);
      if (groups === 1) {
        gemmRowMajor(cols, 0, fg, 0, y, m0 * oc, rows, K, oc);
      } else {
        tmp.fill(0, 0, rows * og);
        gemmRowMajor(cols, 0, fg, 0, tmp, 0, rows, K, og);
        addCols(tmp, rows, og, y, m0 * oc, oc, gi * og);
      }
    }
  }
  return y;
}

/** dx[n, h, w, c] from dy[n, oh, ow, oc] and f[kh, kw, cg, oc]: dy · fᵀ, scattered back by col2im. */
export function conv2dBackpropInputNHWC(dy: Float32Array, f: Float32Array, g: Geometry, cg: number, oc: number): Float32Array {
  const groups = g.c / cg;
  const og = oc / groups;
  const K = g.kh * g.kw * cg;
  const M = g.n * g.oh * g.ow;
  const dx = new Float32Array(g.n * g.h * g.w * g.c);
  if (M === 0 || K === 0) return dx;
  if (groups === 1 && oc > 0 && wasmKernelsOn()) {
    wasmConv2dBackpropInput(dy, f, g, oc, dx);
    return dx;
  }
  const step = chunkRows(K, M);
  const cols = new Float32Array(step * K);
  const dyg = groups === 1 ? dy : new Float32Array(step * og);
  for (let gi = 0; gi < groups; gi++) {
    const ft = transpose2d(groupFilter(f, K, oc, og, gi, groups), K, og);
    for (let m0 = 0; m0 < M; m0 += step) {
      const rows = Math.min(step, M - m0);
      cols.fill(0, 0, rows * K);
      if (groups === 1) gemmRowMajor(dy, m0 * oc, ft, 0, cols, 0, rows, oc, K);
      else {
        sliceCols(dy, m0 * oc, rows, oc, gi * og, og, dyg);
        gemmRowMajor(dyg, 0, ft, 0, cols, 0, rows, og, K);
      }
      col2im(cols, g, gi * cg, cg, m0, rows, dx);
    }
  }
  return dx;
}

/** df[kh, kw, cg, oc] from x and dy: patchesᵀ · dy, accumulated over chunks of output pixels. */
export function conv2dBackpropFilterNHWC(x: Float32Array, dy: Float32Array, g: Geometry, cg: number, oc: number): Float32Array {
  const groups = g.c / cg;
  const og = oc / groups;
  const K = g.kh * g.kw * cg;
  const M = g.n * g.oh * g.ow;
  const df = new Float32Array(K * oc);
  if (M === 0 || K === 0 || oc === 0) return df;
  if (groups === 1 && wasmKernelsOn()) {
    if (directFilterGradFits(g, oc)) wasmDirectFilterGrad(x, dy, g, oc, df);
    else wasmConv2dFilterGrad(x, dy, g, oc, df);
    return df;
  }
  const step = chunkRows(K, M);
  const colsT = new Float32Array(step * K);
  const dyg = groups === 1 ? dy : new Float32Array(step * og);
  const dfg = groups === 1 ? df : new Float32Array(K * og);
  for (let gi = 0; gi < groups; gi++) {
    if (groups > 1) dfg.fill(0);
    for (let m0 = 0; m0 < M; m0 += step) {
      const rows = Math.min(step, M - m0);
      // transposed patches: [K, rows], so the product is a plain row-major GEMM
      im2col(x, g, gi * cg, cg, m0, rows, colsT, 1, rows);
      if (groups === 1) gemmRowMajor(colsT, 0, dy, m0 * oc, dfg, 0, K, rows, oc);
      else {
        sliceCols(dy, m0 * oc, rows, oc, gi * og, og, dyg);
        gemmRowMajor(colsT, 0, dyg, 0, dfg, 0, K, rows, og);
      }
    }
    if (groups > 1) addCols(dfg, K, og, df, 0, oc, gi * og);
  }
  return df;
}

/** C[m,n] += A[m,k] · B[k,n] for contiguous row-major A and B at offsets. */
function gemmRowMajor(a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, m: number, k: number, n: number): void {
  gemm({ data: a, off: aOff, rs: k, cs: 1 }, { data: b, off: bOff, rs: n, cs: 1 }, c, cOff, m, k, n);
}
