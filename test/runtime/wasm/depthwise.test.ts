import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { depthwiseBackpropFilterNHWC, depthwiseBackpropInputNHWC, depthwiseNHWC } from '../../../runtime/cpu/kernels/depthwise_kernel.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { wasmDepthwise, wasmDepthwiseBackpropFilter, wasmDepthwiseBackpropInput } from '../../../runtime/cpu/wasm/wasm_depthwise.js';
import { randomData } from '../../util/oracle.js';
import { windowGeometry } from '../../support/window_geometry.js';

/** TF's SAME/VALID output size and padding before, for a (dilated) k×k window. */
function geom(n: number, h: number, w: number, c: number, k: number, s: number, d: number, same: boolean): Geometry {
  return windowGeometry(n, h, w, c, k, k, s, d, same);
}

function same(wasm: Float32Array | null, js: Float32Array, what: string): void {
  expect(wasm, what).to.not.equal(null);
  expect(wasm!.length, what).to.equal(js.length);
  for (let i = 0; i < js.length; i++) if (!Object.is(wasm![i], js[i])) expect.fail(`${what} [${i}]: wasm ${wasm![i]} vs JS ${js[i]}`);
}

describe('runtime/cpu/wasm: depthwise convolution and its backprops', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });

  it('give the JS kernels\' values bit for bit: channels 1, 3, 5, 8, strides, dilation, SAME and VALID, edge values', () => {
    let seed = 21;
    for (const g of [geom(2, 9, 7, 8, 3, 1, 1, true), geom(1, 10, 11, 3, 3, 2, 1, false), geom(2, 6, 6, 5, 2, 2, 1, true), geom(1, 9, 8, 1, 3, 1, 2, true), geom(3, 5, 7, 4, 5, 2, 1, true), geom(1, 8, 8, 3, 3, 1, 2, false)]) {
      const what = `[${g.n},${g.h},${g.w},${g.c}] k${g.kh} s${g.sh} d${g.dh} pad ${g.pt},${g.pl}`;
      const x = randomData(g.n * g.h * g.w * g.c, seed++, -2, 2);
      for (let i = 0; i < x.length; i += 19) x[i] = [NaN, Infinity, -0, 3e38, 1e-40][(i / 19) % 5];
      const f = randomData(g.kh * g.kw * g.c, seed++, -1, 1);
      const dy = randomData(g.n * g.oh * g.ow * g.c, seed++, -1, 1);
      same(wasmDepthwise(x, f, g, 1), depthwiseNHWC(x, f, g, 1), `forward ${what}`);
      same(wasmDepthwiseBackpropInput(dy, f, g, 1), depthwiseBackpropInputNHWC(dy, f, g, 1), `backprop input ${what}`);
      same(wasmDepthwiseBackpropFilter(x, dy, g, 1), depthwiseBackpropFilterNHWC(x, dy, g, 1), `backprop filter ${what}`);
    }
  });

  it('decline a channel multiplier above 1, leaving it to the JS kernels', () => {
    const g = geom(1, 4, 4, 2, 2, 1, 1, true);
    expect(wasmDepthwise(new Float32Array(32), new Float32Array(16), g, 2)).to.equal(null);
    expect(wasmDepthwiseBackpropInput(new Float32Array(64), new Float32Array(16), g, 2)).to.equal(null);
    expect(wasmDepthwiseBackpropFilter(new Float32Array(32), new Float32Array(64), g, 2)).to.equal(null);
  });

  it('depthwiseConv2d and its gradients in a session (multiplier 1 and 2, NHWC and NCHW) agree with the JS kernels', async () => {
    const run = async (kernels: tg.CpuKernelMode): Promise<tg.NDArray[]> => {
      const graph = new tg.Graph();
      const t = graph.asDefault(() => {
        const x = tg.placeholder('float32', [2, 7, 6, 3], 'x');
        const f1 = tg.placeholder('float32', [3, 3, 3, 1], 'f1');
        const f2 = tg.placeholder('float32', [2, 2, 3, 2], 'f2');
        const y1 = tg.nn.depthwiseConv2d(x, f1, { strides: 2, padding: 'SAME' });
        const y2 = tg.nn.depthwiseConv2d(tg.transpose(x, [0, 3, 1, 2]), f2, { strides: 1, padding: 'VALID', dataFormat: 'NCHW' });
        const loss = tg.add(tg.reduceSum(tg.mul(y1, y1)), tg.reduceSum(tg.mul(y2, y2)));
        const [dx, df1, df2] = tg.gradients(loss, [x, f1, f2]);
        return { x, f1, f2, outs: [y1, y2, dx!, df1!, df2!] };
      });
      const sess = new tg.Session({ graph, backend: new tg.CpuBackend({ kernels }) });
      const feeds = new Map<tg.Tensor, tg.FeedValue>([[t.x, tg.NDArray.from(randomData(252, 5, -2, 2), [2, 7, 6, 3])], [t.f1, tg.NDArray.from(randomData(27, 6), [3, 3, 3, 1])], [t.f2, tg.NDArray.from(randomData(24, 7), [2, 2, 3, 2])]]);
      const out = (await sess.run(t.outs, feeds)) as tg.NDArray[];
      sess.close();
      return out;
    };
    const [wasm, js] = [await run('wasm'), await run('js')];
    wasm.forEach((w, k) => same(w.data as Float32Array, js[k].data as Float32Array, `output ${k}`));
  });
});
