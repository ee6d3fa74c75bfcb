import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { reduceBlock } from '../../../runtime/cpu/kernels/reduce_kernel.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { wasmReduce } from '../../../runtime/cpu/wasm/wasm_reduce.js';
import { randomData } from '../../util/oracle.js';

/** Random values with ±0, a denormal, huge values, ±Inf and NaN in fixed spots (when `special`). */
function values(n: number, seed: number, special: boolean): Float32Array {
  const x = randomData(n, seed, -2, 2);
  // a coarse grid makes ties (and ±0 ties) common for max and min
  for (let i = 0; i < n; i++) x[i] = Math.round(x[i] * 4) / 4;
  const edges = [0, -0, 1e-40, 3e38, -3e38, Infinity, -Infinity, NaN];
  if (special) for (let i = 5; i < n; i += 17) x[i] = edges[(i / 17) % edges.length | 0];
  return x;
}

describe('runtime/cpu/wasm: reductions over [outer, red, inner]', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });

  it('sum, mean, max and min give the JS kernel\'s values bit for bit: inner 2..257 (strips of 8, 2, 1), last axis (rows by 4 and the rest), red 0..300, edge values', () => {
    let seed = 3;
    for (const kind of ['sum', 'mean', 'max', 'min'] as const) {
      for (const [outer, red, inner] of [[1, 64, 256], [3, 5, 2], [2, 7, 3], [1, 65, 10], [4, 3, 9], [2, 1, 17], [1, 0, 5], [2, 33, 257], [1, 300, 8], [1, 7, 1], [4, 10, 1], [5, 2, 1], [9, 64, 1], [3, 0, 1], [64, 13, 1]]) {
        for (const special of [false, true]) {
          const x = values(outer * red * inner, seed++, special);
          const js = new Float32Array(outer * inner);
          reduceBlock(x, js, outer, red, inner, kind, false);
          const wasm = wasmReduce(x, outer, red, inner, kind);
          const what = `${kind} [${outer},${red},${inner}]${special ? ' with edge values' : ''}`;
          expect(wasm, what).to.not.equal(null);
          for (let i = 0; i < js.length; i++) if (!Object.is(wasm![i], js[i])) expect.fail(`${what} [${i}]: wasm ${wasm![i]} vs JS ${js[i]}`);
        }
      }
    }
  });

  it('decline prod and non-float32 input, leaving them to the JS kernel', () => {
    expect(wasmReduce(new Float32Array(12), 1, 3, 4, 'prod')).to.equal(null);
    expect(wasmReduce(new Int32Array(12), 1, 3, 4, 'max')).to.equal(null);
  });

  it('a reduction over no axes (or only size-1 axes) is a copy, as in TF: -0 stays -0, NaN and ±Inf pass, on both kernels', async () => {
    for (const kernels of ['wasm', 'js'] as const) {
      const graph = new tg.Graph();
      const t = graph.asDefault(() => {
        const x = tg.placeholder('float32', [2, 1, 3], 'x');
        return { x, outs: [tg.reduceSum(x, []), tg.reduceMean(x, 1), tg.reduceMax(x, [1], true), tg.reduceProd(x, [])] };
      });
      const sess = new tg.Session({ graph, backend: new tg.CpuBackend({ kernels }) });
      const data = Float32Array.from([-0, 1.5, NaN, Infinity, -2, -0]);
      const out = (await sess.run(t.outs, new Map([[t.x, tg.NDArray.from(data, [2, 1, 3])]]))) as tg.NDArray[];
      sess.close();
      for (const [k, o] of out.entries()) {
        data.forEach((v, i) => expect(Object.is(o.data[i], v), `${kernels} output ${k} [${i}]: ${o.data[i]} vs ${v}`).to.equal(true));
      }
    }
  });

  it('reduce ops in a session agree with the JS kernels: bias-gradient sums over rows, leading axes, middle axes, keepDims', async () => {
    const run = async (kernels: tg.CpuKernelMode): Promise<tg.NDArray[]> => {
      const graph = new tg.Graph();
      const t = graph.asDefault(() => {
        const x = tg.placeholder('float32', [5, 6, 7], 'x');
        const m = tg.placeholder('float32', [9, 13], 'm');
        const outs = [
          tg.reduceSum(m, 0), tg.reduceMean(m, 0, true), tg.reduceMax(m, [0]), tg.reduceMin(m, 0),
          tg.reduceSum(x, [0, 1]), tg.reduceMean(x, 1), tg.reduceMax(x, [0, 1], true), tg.reduceMin(x, [1]),
          // last axis, and non-contiguous axes (moved last by a transpose): the rows kernel
          tg.reduceSum(x, 2), tg.reduceMax(x, [0, 2]),
        ];
        return { x, m, outs };
      });
      const sess = new tg.Session({ graph, backend: new tg.CpuBackend({ kernels }) });
      const feeds = new Map<tg.Tensor, tg.FeedValue>([[t.x, tg.NDArray.from(values(210, 1, true), [5, 6, 7])], [t.m, tg.NDArray.from(values(117, 2, false), [9, 13])]]);
      const out = (await sess.run(t.outs, feeds)) as tg.NDArray[];
      sess.close();
      return out;
    };
    const [wasm, js] = [await run('wasm'), await run('js')];
    wasm.forEach((w, k) => {
      expect(w.shape, `output ${k} shape`).to.deep.equal(js[k].shape);
      for (let i = 0; i < w.size; i++) if (!Object.is(w.data[i], js[k].data[i])) expect.fail(`output ${k} [${i}]: wasm ${w.data[i]} vs JS ${js[k].data[i]}`);
    });
  });
});
