import { expect } from 'chai';
import { buildIm2colModule } from '../../../runtime/cpu/wasm/im2col_module.js';
import { heapMemoryType } from '../../../runtime/cpu/wasm/memory_type.js';
import { wasmApi } from '../../../runtime/cpu/wasm/wasm_api.js';

interface Geo {
  n: number; h: number; w: number; c: number; kh: number; kw: number; oh: number; ow: number;
  sh: number; sw: number; dh: number; dw: number; pt: number; pl: number;
}

/** The patch matrix by definition: row (n, oy, ox), column (ky, kx, ci), zero outside the image. */
function reference(x: Float32Array, g: Geo): Float32Array {
  const K = g.kh * g.kw * g.c;
  const out = new Float32Array(g.n * g.oh * g.ow * K);
  let r = 0;
  for (let b = 0; b < g.n; b++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++, r++)
        for (let ky = 0; ky < g.kh; ky++)
          for (let kx = 0; kx < g.kw; kx++) {
            const iy = oy * g.sh - g.pt + ky * g.dh;
            const ix = ox * g.sw - g.pl + kx * g.dw;
            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
            for (let ci = 0; ci < g.c; ci++) out[r * K + (ky * g.kw + kx) * g.c + ci] = x[((b * g.h + iy) * g.w + ix) * g.c + ci];
          }
  return out;
}

describe('runtime/cpu/wasm: im2col', () => {
  it('writes the patch matrix of its definition, on the contiguous-run path (dilation 1) and the per-tap one, for row ranges inside the image', () => {
    const api = wasmApi();
    if (!api) throw new Error('this test needs WebAssembly');
    const t = heapMemoryType();
    const memory = new api.Memory({ initial: 64, maximum: t.maxPages, shared: t.shared });
    const im2col = new api.Instance(new api.Module(buildIm2colModule()), { env: { memory } }).exports.im2col as (...a: number[]) => void;
    const cases: Geo[] = [
      // LeNet's first layer: one channel, SAME 5×5
      { n: 2, h: 9, w: 7, c: 1, kh: 5, kw: 5, oh: 9, ow: 7, sh: 1, sw: 1, dh: 1, dw: 1, pt: 2, pl: 2 },
      // 6 channels (a v128 move and a 4-byte tail per run), stride 2, padding wider than the window
      { n: 1, h: 6, w: 5, c: 6, kh: 3, kw: 4, oh: 5, ow: 5, sh: 2, sw: 2, dh: 1, dw: 1, pt: 3, pl: 5 },
      // dilated: the per-tap path
      { n: 2, h: 8, w: 8, c: 3, kh: 3, kw: 3, oh: 4, ow: 4, sh: 1, sw: 1, dh: 2, dw: 2, pt: 0, pl: 0 },
      // a filter wider than the image
      { n: 1, h: 3, w: 2, c: 4, kh: 2, kw: 5, oh: 3, ow: 2, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pl: 2 },
    ];
    for (const g of cases) {
      const x = Float32Array.from({ length: g.n * g.h * g.w * g.c }, (_, i) => i + 1);
      const K = g.kh * g.kw * g.c;
      const M = g.n * g.oh * g.ow;
      const want = reference(x, g);
      const F = new Float32Array(memory.buffer);
      F.set(x, 0);
      const dst = Math.ceil(x.length / 4) * 4;
      // poison the destination so a tap left unwritten shows
      F.fill(NaN, dst, dst + M * K);
      // two calls over row ranges [0, 3) and [3, M), as the driver chunks them
      for (const [m0, rows] of [[0, 3], [3, M - 3]]) im2col(0, (dst + m0 * K) * 4, K * 4, 4, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.c, m0, rows);
      expect(Array.from(F.subarray(dst, dst + M * K)), JSON.stringify(g)).to.deep.equal(Array.from(want));
    }
  });
});
