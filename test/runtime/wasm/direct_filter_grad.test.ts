import { expect } from 'chai';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { geometry, windowedOutputSize } from '../../../ops/nn/conv_params.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { filterGradChunkRows, wasmConv2dFilterGrad } from '../../../runtime/cpu/wasm/wasm_conv.js';
import { directFilterGradFits, wasmDirectFilterGrad } from '../../../runtime/cpu/wasm/wasm_direct_filter_grad.js';
import { setMinWorkPerThreadForTests, threadedRunCount, withKernelThreads } from '../../../runtime/cpu/wasm/threads.js';
import { randomData } from '../../util/oracle.js';

const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

function geom(n: number, h: number, w: number, c: number, kh: number, kw: number, s: [number, number], d: [number, number], same: boolean): Geometry {
  const padding = same ? 'SAME' : 'VALID';
  const oh = windowedOutputSize(h, kh, d[0], s[0], padding, 0, 0)!;
  const ow = windowedOutputSize(w, kw, d[1], s[1], padding, 0, 0)!;
  return geometry([n, h, w, c], kh, kw, oh, ow, { format: 'NHWC', padding, strideH: s[0], strideW: s[1], dilationH: d[0], dilationW: d[1], explicit: [0, 0, 0, 0] });
}

const label = (g: Geometry, oc: number): string => `[${g.n},${g.h},${g.w},${g.c}] k ${g.kh}x${g.kw} s ${g.sh},${g.sw} d ${g.dh},${g.dw} pad ${g.pt},${g.pl} oc ${oc}`;

function grad(direct: boolean, x: Float32Array, dy: Float32Array, g: Geometry, oc: number): Float32Array {
  const df = new Float32Array(g.kh * g.kw * g.c * oc);
  (direct ? wasmDirectFilterGrad : wasmConv2dFilterGrad)(x, dy, g, oc, df);
  return df;
}

describe('runtime/cpu/wasm: the direct filter gradient for few output channels', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });

  // LeNet's two convs, tap counts off the 4-tap tiles, pixel counts off the 256-pixel depth
  // blocks, a last group of 4 channels, strides and dilations per axis, VALID windows that leave
  // input unread
  const cases: [Geometry, number][] = [
    [geom(3, 28, 28, 1, 5, 5, [1, 1], [1, 1], true), 8],
    [geom(2, 14, 14, 8, 5, 5, [1, 1], [1, 1], true), 16],
    [geom(1, 9, 11, 3, 3, 3, [1, 1], [1, 1], true), 4],
    [geom(2, 13, 7, 3, 3, 3, [2, 1], [1, 1], true), 12],
    [geom(3, 10, 10, 8, 3, 2, [1, 1], [2, 2], false), 20],
    [geom(2, 12, 13, 5, 4, 3, [3, 2], [1, 3], true), 32],
    [geom(1, 11, 9, 2, 2, 2, [2, 3], [1, 1], false), 8],
    [geom(2, 7, 6, 1, 1, 1, [1, 1], [1, 1], false), 4],
    [geom(1, 5, 5, 64, 3, 3, [1, 1], [1, 1], true), 8],
  ];

  it('gives the im2col gemm\'s bits: odd shapes, SAME and VALID, strides and dilations per axis', () => {
    let seed = 50;
    for (const [g, oc] of cases) {
      expect(directFilterGradFits(g, oc), label(g, oc)).to.equal(true);
      const x = randomData(g.n * g.h * g.w * g.c, seed++);
      const dy = randomData(g.n * g.oh * g.ow * oc, seed++);
      expect(bits(grad(true, x, dy, g, oc)), label(g, oc)).to.deep.equal(bits(grad(false, x, dy, g, oc)));
    }
  });

  it('keeps the gemm\'s sums across its chunks of patch rows and its NaN and ±Inf', () => {
    // one tap and one channel: 8-float patch rows, so the gemm cuts these 548,800 pixels in two chunks
    const big = geom(700, 28, 28, 1, 1, 1, [1, 1], [1, 1], false);
    expect(filterGradChunkRows(1, big.n * big.oh * big.ow)).to.be.lessThan(big.n * big.oh * big.ow);
    const x = randomData(big.n * big.h * big.w, 61);
    const dy = randomData(big.n * big.oh * big.ow * 4, 62);
    expect(bits(grad(true, x, dy, big, 4)), 'two chunks').to.deep.equal(bits(grad(false, x, dy, big, 4)));
    const g = geom(2, 6, 7, 3, 3, 3, [1, 1], [1, 1], true);
    const xs = randomData(g.n * g.h * g.w * g.c, 63);
    const dys = randomData(g.n * g.oh * g.ow * 8, 64);
    for (let i = 0; i < xs.length; i += 17) xs[i] = [NaN, Infinity, -Infinity, -0][(i / 17) % 4];
    dys[3] = Infinity;
    const want = grad(false, xs, dys, g, 8);
    expect(want.some((v) => Number.isNaN(v))).to.equal(true);
    expect(bits(grad(true, xs, dys, g, 8)), 'specials').to.deep.equal(bits(want));
  });

  it('gives the same bits on 1, 2 and 3 threads, and really splits', () => {
    setMinWorkPerThreadForTests(1);
    try {
      let seed = 70;
      for (const [g, oc] of cases) {
        const x = randomData(g.n * g.h * g.w * g.c, seed++);
        const dy = randomData(g.n * g.oh * g.ow * oc, seed++);
        const one = withKernelThreads(1, () => grad(true, x, dy, g, oc));
        for (const t of [2, 3]) {
          const before = threadedRunCount();
          const many = withKernelThreads(t, () => grad(true, x, dy, g, oc));
          if (g.kh * g.kw * g.c > 4) expect(threadedRunCount(), `${label(g, oc)}: ${t} threads split nothing`).to.be.greaterThan(before);
          expect(bits(many), `${label(g, oc)}: ${t} threads`).to.deep.equal(bits(one));
        }
      }
    } finally {
      setMinWorkPerThreadForTests(null);
    }
  });

  it('adds into df as the gemm path does, and leaves other channel counts to it', () => {
    const g = geom(2, 8, 8, 2, 3, 3, [1, 1], [1, 1], true);
    const x = randomData(g.n * g.h * g.w * g.c, 81);
    const dy = randomData(g.n * g.oh * g.ow * 8, 82);
    const a = randomData(g.kh * g.kw * g.c * 8, 83);
    const b = a.slice();
    wasmDirectFilterGrad(x, dy, g, 8, a);
    wasmConv2dFilterGrad(x, dy, g, 8, b);
    expect(bits(a)).to.deep.equal(bits(b));
    expect(directFilterGradFits(g, 6)).to.equal(false);
    expect(directFilterGradFits(g, 64)).to.equal(false);
  });
});
