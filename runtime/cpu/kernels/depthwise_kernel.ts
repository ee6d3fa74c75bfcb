import type { Geometry } from '../../../ops/nn/conv_params.js';

/**
 * Depthwise convolution on NHWC data: output channel c*mult + m sees only input channel c. Each
 * output pixel is a sum over taps of short channel vectors, so direct loops beat a GEMM here;
 * the forward pass and both backprops walk the same (pixel, tap) pairs and differ only in which
 * operand accumulates.
 */

type Visit = (o: number, xi: number, fi: number) => void;

/** Calls `visit(outOffset, inputOffset, filterOffset)` for every in-bounds (output pixel, tap). */
function forEachTap(g: Geometry, cm: number, visit: Visit): void {
  const { n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl } = g;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const o = ((b * oh + oy) * ow + ox) * cm;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pl + kx * dw;
            if (ix < 0 || ix >= w) continue;
            visit(o, ((b * h + iy) * w + ix) * c, (ky * kw + kx) * cm);
          }
        }
      }
    }
  }
}

/** y[n, oh, ow, c*mult] from x[n, h, w, c] and f[kh, kw, c, mult]. */
export function depthwiseNHWC(x: Float32Array, f: Float32Array, g: Geometry, mult: number): Float32Array {
  const c = g.c;
  const cm = c * mult;
  const y = new Float32Array(g.n * g.oh * g.ow * cm);
  forEachTap(g, cm, (o, xi, fi) => {
    if (mult === 1) {
      for (let ci = 0; ci < c; ci++) y[o + ci] += x[xi + ci] * f[fi + ci];
      return;
    }
    for (let ci = 0, j = 0; ci < c; ci++) {
      const xv = x[xi + ci];
      for (let m = 0; m < mult; m++, j++) y[o + j] += xv * f[fi + j];
    }
  });
  return y;
}

/** dx[n, h, w, c] from dy[n, oh, ow, c*mult] and the filter. */
export function depthwiseBackpropInputNHWC(dy: Float32Array, f: Float32Array, g: Geometry, mult: number): Float32Array {
  const c = g.c;
  const dx = new Float32Array(g.n * g.h * g.w * c);
  forEachTap(g, c * mult, (o, xi, fi) => {
    for (let ci = 0, j = 0; ci < c; ci++) {
      let s = 0;
      for (let m = 0; m < mult; m++, j++) s += dy[o + j] * f[fi + j];
      dx[xi + ci] += s;
    }
  });
  return dx;
}

/** df[kh, kw, c, mult] from x and dy. */
export function depthwiseBackpropFilterNHWC(x: Float32Array, dy: Float32Array, g: Geometry, mult: number): Float32Array {
  const c = g.c;
  const df = new Float32Array(g.kh * g.kw * c * mult);
  forEachTap(g, c * mult, (o, xi, fi) => {
    for (let ci = 0, j = 0; ci < c; ci++) {
      const xv = x[xi + ci];
      for (let m = 0; m < mult; m++, j++) df[fi + j] += xv * dy[o + j];
    }
  });
  return df;
}
