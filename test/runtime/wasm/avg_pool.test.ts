import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { avgPoolGradNHWC, avgPoolNHWC } from '../../../runtime/cpu/kernels/pool_kernel.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { wasmAvgPool, wasmAvgPoolGrad } from '../../../runtime/cpu/wasm/wasm_avg_pool.js';
import { randomData } from '../../util/oracle.js';
import { windowGeometry } from '../../support/window_geometry.js';

/** Pooling geometry with TF's SAME/VALID output size and padding before; separate h/w windows. */
function geom(n: number, h: number, w: number, c: number, kh: number, kw: number, s: number, same: boolean): Geometry {
  return windowGeometry(n, h, w, c, kh, kw, s, 1, same);
}

function same(wasm: Float32Array | null, js: Float32Array, what: string): void {
  expect(wasm, what).to.not.equal(null);
  expect(wasm!.length, what).to.equal(js.length);
  for (let i = 0; i < js.length; i++) if (!Object.is(wasm![i], js[i])) expect.fail(`${what} [${i}]: wasm ${wasm![i]} vs JS ${js[i]}`);
}

describe('runtime/cpu/wasm: AvgPool and AvgPoolGrad', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });

  // channels 1, 3, 5 (odd: a lone last channel), 8; overlapping windows (stride < k), windows
  // clipped by SAME padding (count below k·k), rectangular windows, stride above k
  const CASES = [geom(2, 9, 7, 8, 2, 2, 2, true), geom(1, 10, 10, 3, 3, 3, 2, false), geom(3, 5, 6, 5, 3, 3, 1, true), geom(2, 7, 5, 1, 3, 2, 2, true), geom(1, 11, 9, 4, 2, 3, 3, true), geom(1, 6, 6, 2, 1, 1, 2, false)];

  it('give the JS kernels\' values bit for bit: odd channel counts, SAME and VALID, overlapping and clipped windows, edge values', () => {
    let seed = 11;
    for (const g of CASES) {
      const what = `[${g.n},${g.h},${g.w},${g.c}] k${g.kh}x${g.kw} s${g.sh} pad ${g.pt},${g.pl}`;
      const x = randomData(g.n * g.h * g.w * g.c, seed++, -3, 3);
      for (let i = 0; i < x.length; i += 17) x[i] = [NaN, Infinity, -0, 3e38, 1e-40][(i / 17) % 5];
      same(wasmAvgPool(x, g), avgPoolNHWC(x, g), `AvgPool ${what}`);
      const dy = randomData(g.n * g.oh * g.ow * g.c, seed++, -3, 3);
      same(wasmAvgPoolGrad(dy, g), avgPoolGradNHWC(dy, g), `AvgPoolGrad ${what}`);
    }
  });

  it('decline dilated windows and a dy of the wrong size, leaving them to the JS kernels', () => {
    const g = geom(1, 4, 4, 2, 2, 2, 2, false);
    expect(wasmAvgPool(new Float32Array(32), { ...g, dh: 2 })).to.equal(null);
    expect(wasmAvgPoolGrad(new Float32Array(7), g)).to.equal(null);
  });

  it('avgPool and its gradient in a session (NHWC and NCHW) agree with the JS kernels', async () => {
    const run = async (kernels: tg.CpuKernelMode): Promise<tg.NDArray[]> => {
      const graph = new tg.Graph();
      const t = graph.asDefault(() => {
        const x = tg.placeholder('float32', [2, 7, 6, 3], 'x');
        const y = tg.nn.avgPool(x, { ksize: 3, strides: 2, padding: 'SAME' });
        const yc = tg.nn.avgPool(tg.transpose(x, [0, 3, 1, 2]), { ksize: 2, strides: 1, padding: 'VALID', dataFormat: 'NCHW' });
        const loss = tg.add(tg.reduceSum(tg.mul(y, y)), tg.reduceSum(tg.mul(yc, yc)));
        const [dx] = tg.gradients(loss, [x]);
        return { x, outs: [y, yc, dx!] };
      });
      const sess = new tg.Session({ graph, backend: new tg.CpuBackend({ kernels }) });
      const out = (await sess.run(t.outs, new Map([[t.x, tg.NDArray.from(randomData(252, 5, -2, 2), [2, 7, 6, 3])]]))) as tg.NDArray[];
      sess.close();
      return out;
    };
    const [wasm, js] = [await run('wasm'), await run('js')];
    wasm.forEach((w, k) => same(w.data as Float32Array, js[k].data as Float32Array, `output ${k}`));
  });
});
