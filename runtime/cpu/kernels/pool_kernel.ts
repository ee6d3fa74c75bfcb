import type { Geometry } from '../../../ops/nn/conv_params.js';

/**
 * Max and average pooling on NHWC data. Windows clipped by padding use only their in-bounds
 * elements: padding never wins a max, and averages divide by the number of real elements (TF's
 * SAME semantics).
 */

/** The max of each window and the flat input index it came from (the first one on ties, as TF). */
export function maxPoolArgmax(x: Float32Array, g: Geometry): { y: Float32Array; arg: Int32Array } {
  const { n, h, w, c, kh, kw, oh, ow, sh, sw, pt, pl } = g;
  const y = new Float32Array(n * oh * ow * c).fill(-Infinity);
  const arg = new Int32Array(y.length).fill(-1);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - pt;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pl;
        const o = ((b * oh + oy) * ow + ox) * c;
        for (let iy = Math.max(0, y0); iy < Math.min(h, y0 + kh); iy++) {
          for (let ix = Math.max(0, x0); ix < Math.min(w, x0 + kw); ix++) {
            const s = ((b * h + iy) * w + ix) * c;
            for (let ci = 0; ci < c; ci++) {
              const v = x[s + ci];
              if (v > y[o + ci] || arg[o + ci] < 0) {
                y[o + ci] = v;
                arg[o + ci] = s + ci;
              }
            }
          }
        }
      }
    }
  }
  return { y, arg };
}

/** dx: each output's gradient added at its max's position. */
export function maxPoolGradNHWC(x: Float32Array, dy: Float32Array, g: Geometry): Float32Array {
  const { arg } = maxPoolArgmax(x, g);
  const dx = new Float32Array(x.length);
  for (let i = 0; i < arg.length; i++) if (arg[i] >= 0) dx[arg[i]] += dy[i];
  return dx;
}

/** The gradient of MaxPoolGrad with respect to its `grad`: gathers ggx at each window's max. */
export function maxPoolGradGradNHWC(x: Float32Array, ggx: Float32Array, g: Geometry): Float32Array {
  const { arg } = maxPoolArgmax(x, g);
  const out = new Float32Array(arg.length);
  for (let i = 0; i < arg.length; i++) if (arg[i] >= 0) out[i] = ggx[arg[i]];
  return out;
}

/** Calls `visit(outOffset, inOffset, count)` for each in-bounds element of each window. */
function forEachWindow(g: Geometry, visit: (o: number, s: number, count: number) => void): void {
  const { n, h, w, c, kh, kw, oh, ow, sh, sw, pt, pl } = g;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const yLo = Math.max(0, oy * sh - pt);
      const yHi = Math.min(h, oy * sh - pt + kh);
      for (let ox = 0; ox < ow; ox++) {
        const xLo = Math.max(0, ox * sw - pl);
        const xHi = Math.min(w, ox * sw - pl + kw);
        const count = Math.max(0, yHi - yLo) * Math.max(0, xHi - xLo);
        const o = ((b * oh + oy) * ow + ox) * c;
        for (let iy = yLo; iy < yHi; iy++) {
          for (let ix = xLo; ix < xHi; ix++) visit(o, ((b * h + iy) * w + ix) * c, count);
        }
      }
    }
  }
}

export function avgPoolNHWC(x: Float32Array, g: Geometry): Float32Array {
  const c = g.c;
  const y = new Float32Array(g.n * g.oh * g.ow * c);
  forEachWindow(g, (o, s, count) => {
    const inv = 1 / count;
    for (let ci = 0; ci < c; ci++) y[o + ci] += x[s + ci] * inv;
  });
  return y;
}

/** dx: each output's gradient spread evenly over the real elements of its window. */
export function avgPoolGradNHWC(dy: Float32Array, g: Geometry): Float32Array {
  const c = g.c;
  const dx = new Float32Array(g.n * g.h * g.w * c);
  forEachWindow(g, (o, s, count) => {
    const inv = 1 / count;
    for (let ci = 0; ci < c; ci++) dx[s + ci] += dy[o + ci] * inv;
  });
  return dx;
}
