import { expect } from 'chai';
import { float32Bits } from '../../support/float32_ulps.js';
import { sameOnEveryThreadCount } from '../../support/thread_counts.js';
import * as tg from '../../../src/index.js';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { wasmConv2d, wasmConv2dBackpropInput, wasmConv2dFilterGrad } from '../../../runtime/cpu/wasm/wasm_conv.js';
import { wasmGemm } from '../../../runtime/cpu/wasm/wasm_gemm.js';
import { wasmMaxPool, wasmMaxPoolGrad } from '../../../runtime/cpu/wasm/wasm_pool.js';
import { setMinWorkPerThreadForTests, threadedRunCount } from '../../../runtime/cpu/wasm/threads.js';
import { randomArray, randomData } from '../../util/oracle.js';
import { windowGeometry } from '../../support/window_geometry.js';

function geom(n: number, h: number, w: number, c: number, kh: number, kw: number, s: number, d: number, same: boolean): Geometry {
  return windowGeometry(n, h, w, c, kh, kw, s, d, same);
}

/** Runs `f` with 1, 2 and 3 threads; every result must equal the one-thread result bit for bit, and the 2- and 3-thread runs must have split. */
describe('runtime/cpu/wasm: kernels on worker threads', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
    // split even these small problems, so the odd shapes below really run on several threads
    setMinWorkPerThreadForTests(1);
  });
  after(() => setMinWorkPerThreadForTests(null));

  it('gemm: 2 and 3 threads give the one-thread bits, M, N, K off the tiles, transposed operands, several depth blocks', () => {
    let seed = 3;
    for (const [m, k, n] of [[17, 65, 129], [129, 3, 65], [5, 300, 9], [1, 129, 65], [130, 513, 37], [7, 1, 8], [3, 5, 200], [261, 700, 333], [1001, 300, 13]]) {
      for (const ta of [false, true]) {
        const A = randomData(m * k, seed++);
        const B = randomData(k * n, seed++);
        const C0 = randomData(m * n, seed++);
        const a = ta ? { data: A, off: 0, rs: 1, cs: m } : { data: A, off: 0, rs: k, cs: 1 };
        sameOnEveryThreadCount(`${m}x${k}x${n} ta=${ta}`, () => {
          const C = C0.slice();
          wasmGemm(a, { data: B, off: 0, rs: n, cs: 1 }, C, 0, m, k, n);
          return C;
        });
      }
    }
  });

  it('conv forward, filter gradient and input gradient: strides, padding, dilation, images split mid-chunk', () => {
    const cases: [Geometry, number][] = [
      [geom(3, 9, 11, 1, 5, 5, 1, 1, true), 6],
      [geom(2, 13, 7, 3, 3, 3, 2, 1, true), 5],
      [geom(5, 10, 10, 8, 3, 2, 1, 2, false), 17],
      [geom(3, 8, 9, 5, 4, 4, 3, 1, true), 3],
      // more patch rows than one chunk: chunks start and end inside images
      [geom(200, 28, 28, 6, 5, 5, 1, 1, true), 16],
    ];
    let seed = 11;
    for (const [g, oc] of cases) {
      const what = `[${g.n},${g.h},${g.w},${g.c}] k ${g.kh}x${g.kw} s ${g.sh} d ${g.dh} oc ${oc}`;
      const x = randomData(g.n * g.h * g.w * g.c, seed++);
      const f = randomData(g.kh * g.kw * g.c * oc, seed++);
      const dy = randomData(g.n * g.oh * g.ow * oc, seed++);
      sameOnEveryThreadCount(`Conv2D ${what}`, () => {
        const y = new Float32Array(g.n * g.oh * g.ow * oc);
        wasmConv2d(x, f, g, oc, y);
        return y;
      });
      sameOnEveryThreadCount(`Conv2DBackpropFilter ${what}`, () => {
        const df = new Float32Array(f.length);
        wasmConv2dFilterGrad(x, dy, g, oc, df);
        return df;
      });
      sameOnEveryThreadCount(`Conv2DBackpropInput ${what}`, () => {
        const dx = new Float32Array(x.length);
        wasmConv2dBackpropInput(dy, f, g, oc, dx);
        return dx;
      });
    }
  });

  it('max pooling and its gradient split by images, ties and overlapping windows included', () => {
    for (const [g, seed] of [[geom(5, 9, 7, 8, 3, 3, 2, 1, true), 1], [geom(3, 6, 6, 4, 2, 2, 1, 1, false), 2]] as const) {
      // values on a coarse grid, so windows tie
      const x = randomData(g.n * g.h * g.w * g.c, seed).map((v) => Math.round(v * 3));
      const dy = randomData(g.n * g.oh * g.ow * g.c, seed + 10);
      sameOnEveryThreadCount('MaxPool', () => wasmMaxPool(x, g)!);
      sameOnEveryThreadCount('MaxPoolGrad', () => wasmMaxPoolGrad(x, dy, g)!);
    }
  });

  it('fused elementwise regions: rows not divisible by the threads, a bias row, a column and flat inputs', async () => {
    // the last two are cut into more pieces than the thread count asks for (wasm_elementwise.ts PIECE_FLOATS)
    const cases: [number[], boolean][] = [[[37, 29], true], [[7, 13], false], [[1001], false], [[5, 64], true], [[13, 9], true], [[400003], false], [[1000, 401], true]];
    for (const [shape, withBias] of cases) {
      const g = new tg.Graph();
      const [px, pb, pc, y] = g.asDefault(() => {
        const px = tg.placeholder('float32', shape);
        const pb = tg.placeholder('float32', [shape[shape.length - 1]]);
        const pc = tg.placeholder('float32', shape.length === 2 ? [shape[0], 1] : [1]);
        let v = tg.mul(tg.relu(tg.add(tg.mul(px, 1.5), 0.25)), tg.sigmoid(px));
        if (withBias) v = tg.add(tg.add(v, pb), pc);
        return [px, pb, pc, v];
      });
      const x = randomArray(shape, 5);
      const b = randomArray([shape[shape.length - 1]], 6);
      const c = randomArray(shape.length === 2 ? [shape[0], 1] : [1], 7);
      const results: Float32Array[] = [];
      for (const threads of [1, 2, 3]) {
        const before = threadedRunCount();
        const sess = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm', threads }) });
        try {
          const out = (await sess.run(y, new Map([[px, x], [pb, b], [pc, c]]))) as tg.NDArray;
          results.push(out.data as Float32Array);
        } finally {
          sess.close();
        }
        if (threads > 1) expect(threadedRunCount(), `[${shape}] on ${threads} threads`).to.be.greaterThan(before);
      }
      expect(float32Bits(results[1]), `[${shape}] 2 threads`).to.deep.equal(float32Bits(results[0]));
      expect(float32Bits(results[2]), `[${shape}] 3 threads`).to.deep.equal(float32Bits(results[0]));
    }
  });
});
