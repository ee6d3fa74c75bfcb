import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { softmaxRows } from '../../../runtime/cpu/kernels/activation.js';
import { wasmFeatures as features } from '../../../runtime/cpu/wasm/features.js';
import { withWasmKernels } from '../../../runtime/cpu/wasm/kernel_mode.js';
import { wasmSoftmax } from '../../../runtime/cpu/wasm/wasm_softmax.js';
import { randomData } from '../../util/oracle.js';

/** One float32 step at |v| (the subnormal step below 2^-126). */
function ulp(v: number): number {
  const a = Math.abs(v);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Rows of random values; with `edges`, ±Inf, NaN, ±0 and huge values in fixed spots. */
function rowsOf(rows: number, n: number, seed: number, scale: number, edges: boolean): Float32Array {
  const x = randomData(rows * n, seed, -scale, scale);
  const special = [Infinity, -Infinity, NaN, -0, 0, 3e38, -3e38, 1e-40];
  if (edges) for (let i = 2; i < x.length; i += 13) x[i] = special[(i / 13) % special.length | 0];
  return x;
}

/** The JS kernel's values (exp in double), for comparison with the wasm kernel. */
function jsSoftmax(x: Float32Array, rows: number, n: number, log: boolean): Float32Array {
  return withWasmKernels(false, () => softmaxRows(tg.NDArray.from(x, [rows, n]), log).data as Float32Array);
}

describe('runtime/cpu/wasm: softmax and log-softmax', () => {
  before(function () {
    if (!features().simd) this.skip();
  });

  const SHAPES = [[1, 1], [3, 2], [2, 3], [5, 4], [4, 5], [3, 7], [64, 10], [2, 17], [1, 1000]];

  it('are within the stated bound of the JS kernel (exp in double), NaN where it is NaN: n 1..1000, |x| up to 100, edge values', () => {
    let seed = 9;
    let worst = 0;
    for (const log of [false, true]) {
      for (const [rows, n] of SHAPES) {
        for (const [scale, edges] of [[3, false], [100, false], [5, true]] as const) {
          const x = rowsOf(rows, n, seed++, scale, edges);
          const js = jsSoftmax(x, rows, n, log);
          const wasm = wasmSoftmax(x, rows, n, log);
          const what = `${log ? 'log-' : ''}softmax [${rows},${n}] scale ${scale}${edges ? ' with edge values' : ''}`;
          expect(wasm, what).to.not.equal(null);
          for (let r = 0; r < rows; r++) {
            let max = -Infinity;
            for (let j = 0; j < n; j++) if (x[r * n + j] > max) max = x[r * n + j];
            let spread = 0;
            for (let j = 0; j < n; j++) if (Number.isFinite(x[r * n + j] - max)) spread = Math.max(spread, Math.abs(x[r * n + j] - max));
            for (let j = 0; j < n; j++) {
              const k = r * n + j;
              const [w, e] = [wasm![k], js[k]];
              if (!Number.isFinite(e) || !Number.isFinite(x[k] - max)) {
                expect(Object.is(w, e), `${what} [${k}]: wasm ${w} vs JS ${e}`).to.equal(true);
                continue;
              }
              const bound = log ? 2 ** -24 * (4 + spread) + ulp(e) : 2 ** -24 * (4 + Math.abs(x[k] - max)) * Math.abs(e) + 2 ** -149;
              worst = Math.max(worst, Math.abs(w - e) / bound);
              if (!(Math.abs(w - e) <= bound)) expect.fail(`${what} [${k}] x=${x[k]}: wasm ${w} vs JS ${e}, bound ${bound}`);
            }
          }
        }
      }
    }
    // the bound is not slack everywhere: the worst case uses a good part of it
    expect(worst).to.be.above(0.05);
  });

  it('Softmax and LogSoftmax ops in a session use it on the wasm kernels, and the JS kernel otherwise', async () => {
    const run = async (kernels: tg.CpuKernelMode): Promise<tg.NDArray[]> => {
      const graph = new tg.Graph();
      const t = graph.asDefault(() => {
        const x = tg.placeholder('float32', [3, 2, 5], 'x');
        return { x, outs: [tg.nn.softmax(x), tg.nn.logSoftmax(x)] };
      });
      const sess = new tg.Session({ graph, backend: new tg.CpuBackend({ kernels }) });
      const out = (await sess.run(t.outs, new Map([[t.x, tg.NDArray.from(rowsOf(6, 5, 4, 20, false), [3, 2, 5])]]))) as tg.NDArray[];
      sess.close();
      return out;
    };
    const x = rowsOf(6, 5, 4, 20, false);
    const [wasm, js] = [await run('wasm'), await run('js')];
    expect(Array.from(wasm[0].data)).to.deep.equal(Array.from(wasmSoftmax(x, 6, 5, false)!));
    expect(Array.from(wasm[1].data)).to.deep.equal(Array.from(wasmSoftmax(x, 6, 5, true)!));
    expect(Array.from(js[0].data)).to.deep.equal(Array.from(jsSoftmax(x, 6, 5, false)));
    expect(Array.from(js[1].data)).to.deep.equal(Array.from(jsSoftmax(x, 6, 5, true)));
    expect(wasm[0].shape).to.deep.equal([3, 2, 5]);
    // the two kernels round differently on this input, so the comparisons above tell them apart
    expect(Array.from(wasm[0].data)).to.not.deep.equal(Array.from(js[0].data));
  });
});
