import { expect } from 'chai';
import { sameOnEveryThreadCount } from '../../support/thread_counts.js';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { filterGradChunkRows, wasmConv2dFilterGrad } from '../../../runtime/cpu/wasm/wasm_conv.js';
import { directFilterGradFits, wasmDirectFilterGrad } from '../../../runtime/cpu/wasm/wasm_direct_filter_grad.js';
import { setMinWorkPerThreadForTests } from '../../../runtime/cpu/wasm/threads.js';
import { FEW_CHANNEL_CONVS, windowGeometry, windowLabel } from '../../support/window_geometry.js';
import { float32Bits } from '../../support/float32_ulps.js';
import { randomData } from '../../util/oracle.js';

function grad(direct: boolean, x: Float32Array, dy: Float32Array, g: Geometry, oc: number): Float32Array {
  const df = new Float32Array(g.kh * g.kw * g.c * oc);
  (direct ? wasmDirectFilterGrad : wasmConv2dFilterGrad)(x, dy, g, oc, df);
  return df;
}

describe('runtime/cpu/wasm: the direct filter gradient for few output channels', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });

  // the filter gradient takes any depth: 576 here, past one gemm depth block
  const cases = [...FEW_CHANNEL_CONVS, [windowGeometry(1, 5, 5, 64, 3, 3, 1, 1, true), 8] as const];

  it('gives the im2col gemm\'s bits: odd shapes, SAME and VALID, strides and dilations per axis', () => {
    let seed = 50;
    for (const [g, oc] of cases) {
      expect(directFilterGradFits(g, oc), windowLabel(g, oc)).to.equal(true);
      const x = randomData(g.n * g.h * g.w * g.c, seed++);
      const dy = randomData(g.n * g.oh * g.ow * oc, seed++);
      expect(float32Bits(grad(true, x, dy, g, oc)), windowLabel(g, oc)).to.deep.equal(float32Bits(grad(false, x, dy, g, oc)));
    }
  });

  it('keeps the gemm\'s sums across its chunks of patch rows and its NaN and ±Inf', () => {
    // one tap and one channel: 8-float patch rows, so the gemm cuts these 548,800 pixels in two chunks
    const big = windowGeometry(700, 28, 28, 1, 1, 1, 1, 1, false);
    expect(filterGradChunkRows(1, big.n * big.oh * big.ow)).to.be.lessThan(big.n * big.oh * big.ow);
    const x = randomData(big.n * big.h * big.w, 61);
    const dy = randomData(big.n * big.oh * big.ow * 4, 62);
    expect(float32Bits(grad(true, x, dy, big, 4)), 'two chunks').to.deep.equal(float32Bits(grad(false, x, dy, big, 4)));
    const g = windowGeometry(2, 6, 7, 3, 3, 3, 1, 1, true);
    const xs = randomData(g.n * g.h * g.w * g.c, 63);
    const dys = randomData(g.n * g.oh * g.ow * 8, 64);
    for (let i = 0; i < xs.length; i += 17) xs[i] = [NaN, Infinity, -Infinity, -0][(i / 17) % 4];
    dys[3] = Infinity;
    const want = grad(false, xs, dys, g, 8);
    expect(want.some((v) => Number.isNaN(v))).to.equal(true);
    expect(float32Bits(grad(true, xs, dys, g, 8)), 'specials').to.deep.equal(float32Bits(want));
  });

  it('gives the same bits on 1, 2 and 3 threads, and really splits', () => {
    setMinWorkPerThreadForTests(1);
    try {
      let seed = 70;
      for (const [g, oc] of cases) {
        const x = randomData(g.n * g.h * g.w * g.c, seed++);
        const dy = randomData(g.n * g.oh * g.ow * oc, seed++);
        sameOnEveryThreadCount(windowLabel(g, oc), () => grad(true, x, dy, g, oc), g.kh * g.kw * g.c > 4);
      }
    } finally {
      setMinWorkPerThreadForTests(null);
    }
  });

  it('adds into df as the gemm path does, and leaves other channel counts to it', () => {
    const g = windowGeometry(2, 8, 8, 2, 3, 3, 1, 1, true);
    const x = randomData(g.n * g.h * g.w * g.c, 81);
    const dy = randomData(g.n * g.oh * g.ow * 8, 82);
    const a = randomData(g.kh * g.kw * g.c * 8, 83);
    const b = a.slice();
    wasmDirectFilterGrad(x, dy, g, 8, a);
    wasmConv2dFilterGrad(x, dy, g, 8, b);
    expect(float32Bits(a)).to.deep.equal(float32Bits(b));
    expect(directFilterGradFits(g, 6)).to.equal(false);
    expect(directFilterGradFits(g, 64)).to.equal(false);
  });
});
