import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { describeEachBackend, TestBackend } from '../support/backends.js';
import { checkGradients } from '../util/grad_check.js';

const OPTIMIZERS = [{ name: 'pipeline on', optimizer: {} }, { name: 'pipeline off', optimizer: { disable: ['all'] } }] as const;
const int = (v: number): tg.Tensor => tg.constant(v, { dtype: 'int32' });

async function runAllOn(backend: TestBackend, g: tg.Graph, fetches: tg.Tensor[], optimizer: tg.SessionOptions['optimizer'] = {}, feeds?: tg.Feeds): Promise<unknown[]> {
  const sess = new tg.Session({ graph: g, backend, optimizer });
  const r = (await sess.run(fetches, feeds)) as tg.NDArray[];
  sess.close();
  return r.map((x) => x.toArray());
}

describeEachBackend('TF1 control flow (whileLoop)', (backend) => {
  const runAll = (g: tg.Graph, fetches: tg.Tensor[], optimizer: tg.SessionOptions['optimizer'] = {}, feeds?: tg.Feeds): Promise<unknown[]> => runAllOn(backend, g, fetches, optimizer, feeds);

  describe('control flow: tg.whileLoop', () => {
    for (const { name, optimizer } of OPTIMIZERS) {
      it(`sums 0..9 to 45 and computes Fibonacci numbers, as TF1 does (${name})`, async () => {
        const g = new tg.Graph();
        const fetches = g.asDefault(() => {
          const [i, s] = tg.whileLoop((i, _s) => tg.less(i, 10), (i, s) => [tg.add(i, 1), tg.add(s, i)], [int(0), int(0)]);
          // fib: (a, b) -> (b, a + b), ten times from (0, 1): a = F(10) = 55
          const [, a, b] = tg.whileLoop((k) => tg.less(k, 10), (k, a, b) => [tg.add(k, 1), b, tg.add(a, b)], [int(0), int(0), int(1)]);
          return [i, s, a, b];
        });
        expect(await runAll(g, fetches, optimizer)).to.deep.equal([10, 45, 55, 89]);
      });

      it(`runs a loop inside a loop and a cond inside a loop (${name})`, async () => {
        const g = new tg.Graph();
        const fetches = g.asDefault(() => {
          // sum over i < 3, j < 4 of (i * j) = (0+1+2) * (0+1+2+3) = 18
          const [, total] = tg.whileLoop(
            (i) => tg.less(i, 3),
            (i, acc) => {
              const [, inner] = tg.whileLoop((j) => tg.less(j, 4), (j, a) => [tg.add(j, 1), tg.add(a, tg.mul(i, j))], [int(0), acc]);
              return [tg.add(i, 1), inner];
            },
            [int(0), int(0)],
          );
          // count the even numbers below 10 with a cond in the body
          const [, evens] = tg.whileLoop(
            (i) => tg.less(i, 10),
            (i, n) => [tg.add(i, 1), tg.cond(tg.equal(tg.floorMod(i, 2), 0), () => tg.add(n, 1), () => n)],
            [int(0), int(0)],
          );
          return [total, evens];
        });
        expect(await runAll(g, fetches, optimizer)).to.deep.equal([18, 5]);
      });
    }

    it('is built as TF1 builds it, without unrolling', async () => {
      const g = new tg.Graph();
      const [r] = g.asDefault(() => tg.whileLoop((i) => tg.less(i, 1000), (i) => [tg.add(i, 1)], [int(0)]));
      for (const n of ['while/Enter', 'while/Merge', 'while/Switch', 'while/Identity', 'while/NextIteration', 'while/Exit', 'while/LoopCond']) {
        expect(g.hasOperation(n), n).to.equal(true);
      }
      expect(g.getOperationByName('while/Enter').attrs.frame_name).to.equal('while/while_context');
      const before = g.numOps;
      expect(await runAll(g, [r])).to.deep.equal([1000]);
      expect(g.numOps).to.equal(before);
    });

    it('stops at maximumIterations', async () => {
      const g = new tg.Graph();
      const fetches = g.asDefault(() => tg.whileLoop((i) => tg.less(i, 100), (i) => [tg.add(i, 2)], [int(0)], { maximumIterations: 7, parallelIterations: 4 }));
      expect(await runAll(g, fetches)).to.deep.equal([14]);
    });

    it('reads outside tensors through constant Enters and captures a placeholder', async () => {
      const g = new tg.Graph();
      const { x, out } = g.asDefault(() => {
        const x = tg.placeholder('float32', [2], 'x');
        const [, y] = tg.whileLoop((i) => tg.less(i, 3), (i, y) => [tg.add(i, 1), tg.add(tg.mul(y, 2), x)], [int(0), tg.zeros([2])]);
        return { x, out: y };
      });
      const enters = g.getOperations().filter((o) => o.type === 'Enter' && o.attrs.is_constant === true);
      expect(enters.map((o) => o.inputs[0].name)).to.include('x:0');
      // y = ((x) * 2 + x) * 2 + x = 7x
      expect(await runAll(g, [out], {}, new Map([[x, [1, -2]]]))).to.deep.equal([[7, -14]]);
    });

    it('checks shape invariants, and lets a shape grow when the invariant allows it', async () => {
      const g = new tg.Graph();
      g.asDefault(() => {
        expect(() => tg.whileLoop((i) => tg.less(i, 3), (i, v) => [tg.add(i, 1), tg.concat([v, v], 0)], [int(0), tg.constant([1])])).to.throw(
          /enters the loop with shape \[1\], but has shape \[2\] after one iteration.*shapeInvariants/,
        );
        expect(() => tg.whileLoop((i) => tg.less(i, 3), (i, v) => [tg.add(i, 1), v], [int(0), tg.constant([1, 2])], { shapeInvariants: [[], [3]] })).to.throw(
          /not compatible with the initial shape.*\[2\].*\[3\]/,
        );
      });
      const [, grown] = g.asDefault(() =>
        tg.whileLoop((i) => tg.less(i, 3), (i, v) => [tg.add(i, 1), tg.concat([v, v], 0)], [int(0), tg.constant([1])], { shapeInvariants: [[], [null]] }),
      );
      expect(grown.shape).to.deep.equal([null]);
      expect(await runAll(g, [grown])).to.deep.equal([[1, 1, 1, 1, 1, 1, 1, 1]]);
    });

    // builds a graph only (no session runs): backend-independent
    if (backend === 'cpu') {
      it('refuses a body that changes a dtype or the structure', () => {
        const g = new tg.Graph();
        g.asDefault(() => {
          expect(() => tg.whileLoop((i) => tg.less(i, 3), (i) => [tg.add(i, 1), i], [int(0)])).to.throw(/same nested structure/);
          expect(() => tg.whileLoop((x) => tg.less(x, 3), (x) => [tg.cast(x, 'int32')], [tg.constant(0)])).to.throw(/enters the loop as float32 but the body returns int32/);
        });
      });
    }

    it('draws fresh random values in every iteration', async () => {
      const g = new tg.Graph();
      const [, acc] = g.asDefault(() => tg.whileLoop((i) => tg.less(i, 3), (i, a) => [tg.add(i, 1), tg.concat([a, tg.randomUniform([1], { seed: 3 })], 0)], [int(0), tg.zeros([0])], { shapeInvariants: [[], [null]] }));
      const [v] = (await runAll(g, [acc])) as number[][];
      expect(new Set(v).size).to.equal(3);
    });

    // finite differences run on the CPU (test/util/grad_check); loop and cond gradients on webgpu against the CPU: test/webgpu/control_flow.test.ts
    if (backend === 'cpu') {
      it('gradients: finite differences through a loop (loop variable and captured tensor)', async () => {
        await checkGradients(
          ([x, w]) => {
            const [, y] = tg.whileLoop((i) => tg.less(i, 3), (i, y) => [tg.add(i, 1), tg.tanh(tg.mul(y, w))], [int(0), x]);
            return y;
          },
          [tg.NDArray.from([0.3, -0.7, 1.1], [3]), tg.NDArray.from([1.5, 0.5, -0.8], [3])],
        );
      });
    }

    // finite differences run on the CPU (test/util/grad_check); loop and cond gradients on webgpu against the CPU: test/webgpu/control_flow.test.ts
    if (backend === 'cpu') {
      it('gradients: finite differences through a cond inside a loop', async () => {
        await checkGradients(
          ([x, w]) => {
            const [, y] = tg.whileLoop(
              (i) => tg.less(i, 4),
              (i, y) => [tg.add(i, 1), tg.cond(tg.equal(tg.floorMod(i, 2), 0), () => tg.mul(y, w), () => tg.sin(y))],
              [int(0), x],
            );
            return y;
          },
          [tg.NDArray.from([0.3, -0.7], [2]), tg.NDArray.from([1.5, 0.5], [2])],
        );
      });
    }

    it('gradients: a loop variable returned unchanged and one unused by the result', async () => {
      const g = new tg.Graph();
      const { x, dx } = g.asDefault(() => {
        const x = tg.placeholder('float32', [], 'x');
        const [, a, b] = tg.whileLoop((i) => tg.less(i, 5), (i, a, b) => [tg.add(i, 1), a, tg.mul(b, 2)], [int(0), x, x]);
        const [dx] = tg.gradients(tg.add(a, b), [x]);
        return { x, dx: dx! };
      });
      // a = x, b = 32 x
      expect(await runAll(g, [dx], {}, new Map([[x, 1]]))).to.deep.equal([33]);
    });

    for (const { name, optimizer } of OPTIMIZERS) {
      it(`trains an RNN-style loop with its weight captured from outside (${name})`, async () => {
        const g = new tg.Graph();
        const { loss, train } = g.asDefault(() => {
          tg.setRandomSeed(1);
          const xs = tg.constant([[0.5, -0.2], [0.1, 0.4], [-0.3, 0.8], [0.9, 0.1]]);
          const W = new tg.Variable(tg.randomNormal([2, 2], { stddev: 0.5 }), { name: 'W' });
          const U = new tg.Variable(tg.randomNormal([2, 2], { stddev: 0.5 }), { name: 'U' });
          const [, h] = tg.whileLoop(
            (t) => tg.less(t, 4),
            (t, h) => {
              const xt = tg.reshape(tg.gather(xs, t), [1, 2]);
              return [tg.add(t, 1), tg.tanh(tg.add(tg.matMul(h, W), tg.matMul(xt, U)))];
            },
            [int(0), tg.zeros([1, 2])],
          );
          const loss = tg.reduceSum(tg.square(tg.sub(h, tg.constant([[0.3, -0.6]]))));
          const train = new tg.train.GradientDescentOptimizer(0.5).minimize(loss);
          return { loss, train };
        });
        const sess = new tg.Session({ graph: g, backend, optimizer });
        await sess.run(tg.globalVariablesInitializer(g));
        const first = ((await sess.run(loss)) as tg.NDArray).item();
        for (let k = 0; k < 60; k++) await sess.run(train);
        const last = ((await sess.run(loss)) as tg.NDArray).item();
        expect(last).to.be.lessThan(first * 0.1);
      });
    }

    // finite differences run on the CPU (test/util/grad_check); loop and cond gradients on webgpu against the CPU: test/webgpu/control_flow.test.ts
    if (backend === 'cpu') {
      it('gradients: finite differences through a loop nested in a loop body', async () => {
        await checkGradients(
          ([x, w]) => {
            const [, y] = tg.whileLoop(
              (i) => tg.less(i, 2),
              (i, y) => {
                // the inner loop reads the outer loop's variable, an outer body value and a captured tensor
                const scale = tg.add(tg.cast(i, 'float32'), 0.5);
                const [, z] = tg.whileLoop((j) => tg.less(j, 3), (j, z) => [tg.add(j, 1), tg.sin(tg.mul(tg.mul(z, w), scale))], [int(0), y]);
                return [tg.add(i, 1), tg.add(z, y)];
              },
              [int(0), x],
            );
            return y;
          },
          [tg.NDArray.from([0.3, -0.7], [2]), tg.NDArray.from([1.2, 0.5], [2])],
        );
      });
    }
  });
});
