import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { adagradLoop, adamLoop, gradientDescentLoop, momentumLoop, rmsPropLoop } from '../../../runtime/cpu/kernels/update_loops.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { wasmUpdate } from '../../../runtime/cpu/wasm/wasm_update.js';
import { heapOffset } from '../../../runtime/cpu/wasm/heap.js';
import { setMinWorkPerThreadForTests, threadedRunCount, threadsSupported, withKernelThreads } from '../../../runtime/cpu/wasm/threads.js';
import { heapMemoryType } from '../../../runtime/cpu/wasm/memory_type.js';
import { variableBlocks } from '../../../runtime/cpu/variable_blocks.js';
import { randomData } from '../../util/oracle.js';

/** Random values with the edge cases in fixed spots: ±0, a denormal, huge, ±Inf, NaN. */
function values(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const x = randomData(n, seed, lo, hi);
  const special = [0, -0, 1e-40, 3e38, Infinity, -Infinity, NaN];
  for (let i = 3; i < n; i += 11) x[i] = special[(i / 11) % special.length | 0];
  return x;
}

const nd = (x: Float32Array): tg.NDArray => tg.NDArray.from(x, [x.length]);

function expectSame(wasm: Float32Array[] | null, js: tg.NDArray[], what: string): void {
  expect(wasm, what).to.not.equal(null);
  expect(wasm!.length, `${what}: arrays written`).to.equal(js.length);
  js.forEach((j, k) => {
    for (let i = 0; i < j.size; i++) {
      if (!Object.is(wasm![k][i], j.data[i])) expect.fail(`${what}: array ${k} [${i}] wasm ${wasm![k][i]} vs JS ${j.data[i]}`);
    }
  });
}

describe('runtime/cpu/wasm: optimizer updates', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });

  // odd sizes take the one-element tail; 1001 crosses many two-element steps
  const SIZES = [1, 2, 3, 7, 8, 1001];

  it('give the JS loops\' values bit for bit: Adam (and Nesterov), GD, Momentum (and Nesterov), Adagrad, RMSProp; odd sizes and edge values', () => {
    let seed = 40;
    for (const n of SIZES) {
      const [w, m, g] = [values(n, seed++), values(n, seed++), values(n, seed++)];
      const v = values(n, seed++, 0, 2);
      const adam = { alpha: 0.001 * Math.sqrt(1 - 0.999 ** 3) / (1 - 0.9 ** 3), b1: Math.fround(0.9), b2: Math.fround(0.999), eps: Math.fround(1e-7) };
      for (const nesterov of [false, true]) {
        const js = adamLoop(nd(w), nd(m), nd(v), nd(g), adam, nesterov);
        const wasm = wasmUpdate(nesterov ? 'adamNesterov' : 'adam', [w, m, v, g], [adam.alpha, 1 - adam.b1, 1 - adam.b2, adam.b1, adam.eps]);
        expectSame(wasm, js, `Adam n=${n} nesterov=${nesterov}`);
      }
      const lr = Math.fround(0.05);
      const mu = Math.fround(0.9);
      expectSame(wasmUpdate('gradientDescent', [w, g], [lr]), gradientDescentLoop(nd(w), nd(g), lr), `GD n=${n}`);
      for (const nesterov of [false, true]) {
        expectSame(wasmUpdate(nesterov ? 'momentumNesterov' : 'momentum', [w, m, g], [lr, mu]), momentumLoop(nd(w), nd(m), nd(g), lr, mu, nesterov), `Momentum n=${n} nesterov=${nesterov}`);
      }
      expectSame(wasmUpdate('adagrad', [w, v, g], [lr]), adagradLoop(nd(w), nd(v), nd(g), lr, true), `Adagrad n=${n}`);
      expectSame(wasmUpdate('adagradNoSlots', [w, v, g], [lr]), adagradLoop(nd(w), nd(v), nd(g), lr, false).slice(0, 1), `Adagrad n=${n} no slots`);
      const rms = { lr, rho: Math.fround(0.9), mu, eps: Math.fround(1e-10) };
      expectSame(wasmUpdate('rmsProp', [w, v, m, g], [lr, 1 - rms.rho, mu, rms.eps]), rmsPropLoop(nd(w), nd(v), nd(m), nd(g), rms), `RMSProp n=${n}`);
    }
  });

  it('read operands in wasm memory where they lie and write into the blocks given, with the same values; every other block untouched', () => {
    const blocks = variableBlocks();
    if (!blocks) return expect(heapMemoryType().shared).to.equal(false);
    for (const n of SIZES) {
      const inHeap = (x: Float32Array): Float32Array => {
        const b = blocks.alloc(n)!;
        b.set(x);
        return b;
      };
      // w and v in wasm memory (a variable's blocks), m and g JS arrays
      const [w, m, v, g] = [values(n, 1), values(n, 2), values(n, 3, 0, 2), values(n, 4)].map((x, i) => (i === 0 || i === 2 ? inHeap(x) : x));
      const before = [w, m, v, g].map((x) => x.slice());
      const adam = { alpha: 0.01, b1: Math.fround(0.9), b2: Math.fround(0.999), eps: Math.fround(1e-7) };
      const js = adamLoop(nd(before[0]), nd(before[1]), nd(before[2]), nd(before[3]), adam, false);
      const homes: (Float32Array | null)[] = [];
      // the second result finds no room (as past 2 GiB): it comes back as a JS array
      const place = (k: number): Float32Array | null => homes[homes.push(homes.length === 1 ? null : blocks.alloc(k)) - 1];
      const got = wasmUpdate('adam', [w, m, v, g], [adam.alpha, 1 - adam.b1, 1 - adam.b2, adam.b1, adam.eps], place);
      expectSame(got, js, `Adam n=${n} in place`);
      expect(got![0]).to.equal(homes[0]);
      expect(got![2]).to.equal(homes[2]);
      expect(heapOffset(got![1])).to.equal(-1);
      [w, m, v, g].forEach((x, i) => expect(Array.from(x), `operand ${i}`).to.deep.equal(Array.from(before[i])));
    }
  });

  it('split over threads, give the same bits for any thread count, and workers read the scalars from memory', () => {
    setMinWorkPerThreadForTests(1);
    try {
      for (const n of [5, 1001]) {
        const [w, m, g] = [values(n, 60), values(n, 61), values(n, 62)];
        const v = values(n, 63, 0, 2);
        const adam = { alpha: 0.003, b1: Math.fround(0.9), b2: Math.fround(0.999), eps: Math.fround(1e-7) };
        const js = adamLoop(nd(w), nd(m), nd(v), nd(g), adam, false);
        for (const threads of [1, 2, 3]) {
          const before = threadedRunCount();
          const got = withKernelThreads(threads, () => wasmUpdate('adam', [w, m, v, g], [adam.alpha, 1 - adam.b1, 1 - adam.b2, adam.b1, adam.eps]));
          expectSame(got, js, `Adam n=${n} threads=${threads}`);
          if (threadsSupported()) expect(threadedRunCount() - before, `threads=${threads}`).to.equal(threads > 1 ? 1 : 0);
        }
      }
    } finally {
      setMinWorkPerThreadForTests(null);
    }
  });

  it('leave their inputs untouched and decline operands that are not float32', () => {
    const w = values(5, 1);
    const g = values(5, 2);
    const before = Float32Array.from(w);
    wasmUpdate('gradientDescent', [w, g], [0.5]);
    expect(Array.from(w)).to.deep.equal(Array.from(before));
    expect(wasmUpdate('gradientDescent', [Float64Array.from(w), g], [0.5])).to.equal(null);
  });

  /** Three training steps of each optimizer over variables of odd shapes; their final values. */
  async function train(kernels: tg.CpuKernelMode, make: () => tg.train.Optimizer): Promise<{ start: tg.NDArray[]; end: tg.NDArray[] }> {
    const graph = new tg.Graph();
    const t = graph.asDefault(() => {
      const shapes = [[3, 5], [7], [1], [2, 2]];
      const vars = shapes.map((s, i) => new tg.Variable(tg.constant(tg.NDArray.from(values(s.reduce((a, b) => a * b, 1), 70 + i).map((x) => (Number.isFinite(x) && Math.abs(x) < 10 ? x : 0.5)), s))));
      const x = tg.placeholder('float32', [3], 'x');
      const terms = vars.map((v) => tg.reduceSum(tg.mul(tg.square(tg.reshape(v.value(), [-1])), tg.reduceSum(x))));
      const loss = terms.reduce((a, b) => tg.add(a, b));
      return { vars, x, step: make().minimize(loss), init: tg.globalVariablesInitializer() };
    });
    const sess = new tg.Session({ graph, backend: new tg.CpuBackend({ kernels }) });
    await sess.run(t.init);
    const start = (await sess.run(t.vars.map((v) => v.value()))) as tg.NDArray[];
    for (let i = 0; i < 3; i++) await sess.run(t.step, new Map([[t.x, tg.NDArray.from(Float32Array.from([0.5, -0.25, i]), [3])]]));
    const end = (await sess.run(t.vars.map((v) => v.value()))) as tg.NDArray[];
    sess.close();
    return { start, end };
  }

  it('a session\'s training steps (grouped updates over several variables) end with the same variables as on the JS kernels', async () => {
    const optimizers: [string, () => tg.train.Optimizer][] = [
      ['Adam', () => new tg.train.AdamOptimizer(0.01)],
      ['GradientDescent', () => new tg.train.GradientDescentOptimizer(0.1)],
      ['Momentum nesterov', () => new tg.train.MomentumOptimizer(0.1, 0.9, { useNesterov: true })],
      ['RMSProp', () => new tg.train.RMSPropOptimizer(0.01, { momentum: 0.5 })],
      ['Adagrad', () => new tg.train.AdagradOptimizer(0.1)],
    ];
    for (const [what, make] of optimizers) {
      const [wasm, js] = [await train('wasm', make), await train('js', make)];
      wasm.end.forEach((v, k) => {
        expect(Array.from(v.data), `${what} variable ${k}`).to.deep.equal(Array.from(js.end[k].data));
        expect(Array.from(v.data), `${what} variable ${k} moved`).to.not.deep.equal(Array.from(wasm.start[k].data));
      });
    }
  });
});
