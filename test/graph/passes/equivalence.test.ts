import { expect } from 'chai';
import * as tg from '../../../src/index.js';

// the library's seeded generator (mulberry32), so every failing graph can be rebuilt from its seed
const rng = tg.testing.rng;

type Pick = <T>(xs: readonly T[]) => T;

/**
 * A random graph over shapes that all broadcast to [3,4]: elementwise ops (unary, binary with
 * broadcasting, literals 0/1 so simplification fires), reductions, MatMul with a bias and
 * activation (so epilogue fusion fires), transpose and reshape round trips, shared
 * subexpressions (operands drawn again from the pool), control dependencies, constants (so
 * folding fires), a seeded random op, and variables updated by Assign/AssignAdd.
 */
function randomGraph(seed: number) {
  const r = rng(seed);
  const pick: Pick = (xs) => xs[Math.floor(r() * xs.length)];
  const g = new tg.Graph();
  const t = g.asDefault(() => {
    const x = tg.placeholder('float32', [3, 4], 'x');
    const v = new tg.Variable(tg.constant(Array.from({ length: 12 }, (_v, i) => (i % 5) / 5 - 0.3), { shape: [3, 4] } as never), { name: 'v' });
    const pool: tg.Tensor[] = [x, v.value(), tg.constant([0.5, -1, 2, 0.25]), tg.constant([[1], [-0.5], [0.75]])];
    if (r() < 0.5) pool.push(tg.randomUniform([3, 4], { seed: 7, minval: -1, maxval: 1 }));
    const n = 4 + Math.floor(r() * 10);
    for (let k = 0; k < n; k++) {
      const a = pick(pool);
      const b = pick(pool);
      const kind = r();
      let y: tg.Tensor;
      if (kind < 0.3) y = pick([tg.add, tg.sub, tg.mul, tg.maximum, tg.minimum, tg.squaredDifference])(a, b);
      else if (kind < 0.5) y = pick([tg.relu, tg.sigmoid, tg.tanh, tg.neg, tg.abs, (z: tg.Tensor) => tg.exp(tg.tanh(z))])(a);
      else if (kind < 0.58) y = pick([(z: tg.Tensor) => tg.mul(z, 1), (z: tg.Tensor) => tg.add(z, 0), (z: tg.Tensor) => tg.neg(tg.neg(z)), (z: tg.Tensor) => tg.identity(z)])(a);
      else if (kind < 0.66) y = tg.reduceSum(tg.add(a, tg.zeros([3, 4])), pick([0, 1]), true);
      else if (kind < 0.76) {
        const w = tg.constant(Array.from({ length: 16 }, (_v, i) => Math.cos(i + seed)), { shape: [4, 4] } as never);
        y = tg.relu(tg.add(tg.matMul(tg.add(a, tg.zeros([3, 4])), w), pick(pool.filter((p) => p.shape?.length === 1)) ?? tg.constant([0, 0, 0, 0])));
      } else if (kind < 0.82) y = tg.transpose(tg.transpose(tg.add(a, tg.zeros([3, 4])), [1, 0]), [1, 0]);
      else if (kind < 0.88) y = tg.reshape(tg.reshape(tg.add(a, tg.zeros([3, 4])), [12]), [3, 4]);
      else if (kind < 0.94) y = tg.controlDependencies([b], () => tg.sigmoid(a));
      else y = tg.add(tg.mul(tg.constant(2), tg.constant(1.5)), a); // folds to a constant operand
      pool.push(y);
    }
    const outs = pool.slice(-3);
    const update = r() < 0.5 ? v.assignAdd(tg.mul(tg.add(pick(pool), tg.zeros([3, 4])), 0.1)) : v.assign(tg.tanh(tg.add(pick(pool), tg.zeros([3, 4]))));
    return { x, v, outs, update, init: tg.globalVariablesInitializer() };
  });
  return { g, ...t };
}

function close(a: tg.NDArray, b: tg.NDArray, what: string): void {
  expect(a.shape, what).to.deep.equal(b.shape);
  for (let i = 0; i < a.data.length; i++) {
    const p = a.data[i];
    const q = b.data[i];
    if (Number.isNaN(q)) expect(Number.isNaN(p), `${what}[${i}]`).to.equal(true);
    else expect(p, `${what}[${i}]`).to.be.closeTo(q, 1e-4 * Math.max(1, Math.abs(q)));
  }
}

async function runAll(sess: tg.Session, t: ReturnType<typeof randomGraph>, feed: tg.NDArray): Promise<tg.NDArray[]> {
  const got: tg.NDArray[] = [];
  await sess.run(t.init);
  got.push(...((await sess.run(t.outs, { x: feed })) as tg.NDArray[]));
  await sess.run(t.update.op, { x: feed });
  await sess.run(t.update.op, { x: feed });
  got.push((await sess.run(t.v.value())) as tg.NDArray);
  got.push(...((await sess.run(t.outs, { x: feed })) as tg.NDArray[]));
  return got;
}

describe('compiler: the full pipeline gives the results of no pipeline (random graphs)', () => {
  it('200 random graphs, stateless and stateful, agree within float tolerance', async function () {
    this.timeout(120000);
    let fusedSomething = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const t = randomGraph(seed);
      const feed = new tg.NDArray('float32', [3, 4], Float32Array.from({ length: 12 }, (_v, i) => Math.sin(i * seed)));
      const on = new tg.Session({ graph: t.g, debug: { verifyPasses: true } });
      const off = new tg.Session({ graph: t.g, optimizer: { disable: ['all'] } });
      const a = await runAll(on, t, feed);
      const b = await runAll(off, t, feed);
      a.forEach((v, i) => close(v, b[i], `seed ${seed}, value ${i}`));
      if ((on.lastOptimizeReport?.fused.length ?? 0) > 0) fusedSomething++;
    }
    expect(fusedSomething).to.be.greaterThan(100);
  });
});
