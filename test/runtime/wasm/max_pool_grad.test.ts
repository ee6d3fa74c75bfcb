import { expect } from 'chai';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { maxPoolGradNHWC } from '../../../runtime/cpu/kernels/pool_kernel.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { wasmMaxPoolGrad } from '../../../runtime/cpu/wasm/wasm_pool.js';
import { randomData } from '../../util/oracle.js';
import { windowGeometry } from '../../support/window_geometry.js';

/** Pooling geometry with TF's SAME/VALID output size and padding before. */
function geom(n: number, h: number, w: number, c: number, k: number, s: number, same: boolean): Geometry {
  return windowGeometry(n, h, w, c, k, k, s, 1, same);
}

describe('runtime/cpu/wasm: MaxPoolGrad', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });

  it('gives the JS kernel\'s dx bit for bit: channels 4, 8, 16, overlapping windows, SAME and VALID; ties, NaN first and later, ±Inf', () => {
    const cases = [geom(2, 9, 7, 8, 2, 2, true), geom(1, 10, 10, 4, 3, 2, false), geom(3, 5, 6, 16, 3, 1, true), geom(2, 28, 28, 4, 2, 2, false)];
    let seed = 5;
    for (const g of cases) {
      const x = randomData(g.n * g.h * g.w * g.c, seed++);
      // a coarse grid of values makes ties common; special values in fixed spots
      for (let i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 3) / 3;
      for (let i = 0; i < x.length; i += 13) x[i] = [NaN, Infinity, -Infinity, 0.5, -0][(i / 13) % 5];
      const dy = randomData(g.n * g.oh * g.ow * g.c, seed++);
      const js = maxPoolGradNHWC(x, dy, g);
      const wasm = wasmMaxPoolGrad(x, dy, g);
      const what = `[${g.n},${g.h},${g.w},${g.c}] k${g.kh} s${g.sh} pad ${g.pt},${g.pl}`;
      expect(wasm, what).to.not.equal(null);
      for (let i = 0; i < js.length; i++) expect(Object.is(wasm![i], js[i]), `${what} [${i}]: ${wasm![i]} vs ${js[i]}`).to.equal(true);
    }
  });

  it('declines channels not a multiple of 4 and windows that lie wholly in the padding, leaving them to the JS kernel', () => {
    const odd = geom(1, 6, 6, 3, 2, 2, true);
    expect(wasmMaxPoolGrad(new Float32Array(108), new Float32Array(27), odd)).to.equal(null);
    const empty: Geometry = { ...geom(1, 4, 4, 4, 2, 2, false), pt: 2 };
    expect(wasmMaxPoolGrad(new Float32Array(64), new Float32Array(16), empty)).to.equal(null);
  });
});
