import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { requireAdapter } from './adapter.js';

const int = (v: number): tg.Tensor => tg.constant(v, { dtype: 'int32' });

function close(a: tg.NDArray, b: tg.NDArray, tol = 1e-5, what = ''): void {
  expect(b.shape, what).to.deep.equal(a.shape);
  Array.from(a.data, Number).forEach((v, i) => expect(Math.abs(v - Number(b.data[i])), `${what} element ${i}: cpu ${v} webgpu ${b.data[i]}`).to.be.at.most(tol * Math.max(1, Math.abs(v))));
}

/** The placement of every op of `types` in the last run (strict placement: no soft placement). */
function devicesOf(sess: tg.Session, types: readonly string[]): string[] {
  return sess.lastPlacement.filter((e) => types.includes(e.type)).map((e) => e.device);
}

describe('webgpu: TF1 control flow and resource variables on the device (no soft placement)', function () {
  before(async function () {
    await requireAdapter(this);
  });

  it('tg.cond runs the taken branch on the GPU; only the predicate comes back to the host', async () => {
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const x = tg.placeholder('float32', [2, 3], 'x');
      const p = tg.placeholder('bool', [], 'p');
      const y = tg.cond(tg.logicalNot(p), () => tg.matMul(x, x, { transposeB: true }), () => tg.mul(tg.reduceSum(x, [1], true), 2));
      return { x, p, y };
    });
    const X = tg.NDArray.from([[1, 2, 3], [-1, 0.5, 2]]);
    for (const pred of [true, false]) {
      const out: tg.NDArray[] = [];
      for (const backend of ['cpu', 'webgpu'] as const) {
        const sess = new tg.Session({ graph: g, backend });
        out.push(await sess.run(m.y, { [m.x.name]: X, [m.p.name]: pred }));
        if (backend === 'webgpu') {
          expect(devicesOf(sess, ['Switch', 'Merge']).length).to.be.greaterThan(0);
          expect(new Set(devicesOf(sess, ['Switch', 'Merge', 'MatMul', 'Mul', 'Sum']))).to.deep.equal(new Set(['/device:GPU:0']));
          expect(sess.lastPlacement.some((e) => e.softPlaced !== undefined)).to.equal(false);
          // the predicate's host copy (Switch reads it as a host-memory input)
          expect(sess.lastPlacement.some((e) => e.type === '_Copy' && e.from === '/device:GPU:0' && e.device === '/device:CPU:0')).to.equal(true);
        }
        sess.close();
      }
      close(out[0], out[1], 1e-5, `pred ${pred}`);
    }
  });

  it('tg.whileLoop and its gradients (the loop stacks) give the CPU values on the GPU', async () => {
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const x = tg.placeholder('float32', [3], 'x');
      const w = tg.constant([0.5, -1.5, 2]);
      // y <- y * w + x, 4 times, with an inner cond: d/dx and d/dw go back through the stacks
      const [, y] = tg.whileLoop(
        (i) => tg.less(i, 4),
        (i, y) => [tg.add(i, 1), tg.cond(tg.less(i, 2), () => tg.add(tg.mul(y, w), x), () => tg.add(tg.mul(tg.tanh(y), w), x))],
        [int(0), tg.zeros([3])],
      );
      const loss = tg.reduceSum(tg.square(y));
      const [dx] = tg.gradients(loss, [x]);
      return { x, y, loss, dx };
    });
    const feeds = { [m.x.name]: tg.NDArray.from([0.25, -0.5, 1]) };
    const out: tg.NDArray[][] = [];
    for (const backend of ['cpu', 'webgpu'] as const) {
      const sess = new tg.Session({ graph: g, backend });
      out.push((await sess.run([m.y, m.loss, m.dx!] as tg.Tensor[], feeds)) as tg.NDArray[]);
      if (backend === 'webgpu') {
        expect(sess.lastPlacement.some((e) => e.softPlaced !== undefined)).to.equal(false);
        expect(new Set(devicesOf(sess, ['Enter', 'Exit', 'NextIteration', 'StackPushV2', 'StackPopV2', 'Merge']))).to.deep.equal(new Set(['/device:GPU:0']));
      }
      sess.close();
    }
    out[0].forEach((v, i) => close(v, out[1][i], 1e-5, `fetch ${i}`));
  });

  it('a cond and a loop read and write resident (ref) variables as the straight-line executor does', async () => {
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const v = new tg.Variable(tg.constant([1, 2]), { name: 'v' });
      const p = tg.placeholder('bool', [], 'p');
      const bump = tg.cond(p, () => v.assignAdd(tg.constant([10, 10])), () => tg.mul(v.value(), 1));
      // sum of v over 3 iterations of a loop that reads it
      const [, s] = tg.whileLoop((i) => tg.less(i, 3), (i, s) => [tg.add(i, 1), tg.add(s, v.value())], [int(0), tg.zeros([2])]);
      return { v, p, bump, s, init: tg.globalVariablesInitializer() };
    });
    const results: number[][][] = [];
    for (const backend of ['cpu', 'webgpu'] as const) {
      const sess = new tg.Session({ graph: g, backend });
      await sess.run(m.init);
      const r: number[][] = [];
      for (const pred of [true, false, true]) r.push(Array.from((await sess.run(m.bump, { [m.p.name]: pred })).data));
      r.push(Array.from((await sess.run(m.s)).data));
      // a straight-line read after control-flow writes: the resident copy is the newest value
      r.push(Array.from((await sess.run(m.v.value())).data));
      results.push(r);
      sess.close();
    }
    expect(results[1]).to.deep.equal(results[0]);
    expect(results[0]).to.deep.equal([[11, 12], [11, 12], [21, 22], [63, 66], [21, 22]]);
  });

  for (const [name, make, type] of [
    ['GradientDescent', () => new tg.train.GradientDescentOptimizer(0.1), 'ResourceApplyGradientDescent'],
    ['Momentum', () => new tg.train.MomentumOptimizer(0.05, 0.9), 'ResourceApplyMomentum'],
    ['Adam', () => new tg.train.AdamOptimizer({ learningRate: 0.05 }), 'ResourceApplyAdam'],
  ] as const) {
    it(`resource-variable training with ${name} (${type}) on the GPU gives the CPU's losses and weights`, async () => {
      const runs: { losses: number[]; w: tg.NDArray; b: tg.NDArray }[] = [];
      for (const backend of ['cpu', 'webgpu'] as const) {
        const g = new tg.Graph();
        const m = g.asDefault(() => {
          const w = new tg.Variable([[0.5, -0.3, 0.1], [0.2, 0.8, -0.4]], { name: 'w', useResource: true });
          const b = new tg.Variable([0.1, -0.1, 0], { name: 'b', useResource: true });
          const table = new tg.Variable([[1, 2], [3, -1], [0.5, 0.5], [2, 2]], { name: 'table', useResource: true });
          const ids = tg.placeholder('int32', [null], 'ids');
          const y = tg.placeholder('float32', [null, 3], 'y');
          const x = tg.nn.embeddingLookup(table, ids);
          const loss = tg.reduceMean(tg.square(tg.sub(tg.nn.sigmoid(tg.add(tg.matMul(x, w), b)), y)));
          return { w, b, ids, y, loss, train: make().minimize(loss), init: tg.globalVariablesInitializer() };
        });
        const sess = new tg.Session({ graph: g, backend });
        await sess.run(m.init);
        const feeds = { [m.ids.name]: tg.NDArray.from(new Int32Array([0, 2, 3, 2]), [4], 'int32'), [m.y.name]: tg.NDArray.from([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]]) };
        const losses: number[] = [];
        for (let i = 0; i < 8; i++) losses.push((await sess.run([m.loss, m.train], feeds))[0].item());
        if (backend === 'webgpu') {
          expect(sess.lastPlacement.some((e) => e.softPlaced !== undefined)).to.equal(false);
          expect(new Set(devicesOf(sess, ['ReadVariableOp', 'ResourceGather', type]))).to.deep.equal(new Set(['/device:GPU:0']));
          expect(devicesOf(sess, [type]).length).to.be.greaterThan(0);
        }
        runs.push({ losses, w: await sess.run(m.w.value()), b: await sess.run(m.b.value()) });
        sess.close();
      }
      runs[0].losses.forEach((v, i) => expect(Math.abs(v - runs[1].losses[i]), `step ${i}`).to.be.below(1e-5));
      close(runs[0].w, runs[1].w, 1e-5, 'w');
      close(runs[0].b, runs[1].b, 1e-5, 'b');
      expect(runs[1].losses[7]).to.be.below(runs[1].losses[0]);
    });
  }

  it('the resource ops on the GPU: assign, assignAdd, assignSub, and an uninitialized read failing as on the CPU', async () => {
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const v = new tg.Variable([1, 2], { name: 'v', useResource: true });
      return { v, set: v.assign(tg.constant([5, 6])), add: v.assignAdd(tg.constant([1, 1])), sub: v.assignSub(tg.constant([2, 3])), init: v.initializer };
    });
    const sess = new tg.Session({ graph: g, backend: 'webgpu' });
    let err: unknown;
    await sess.run(m.v.value()).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(tg.FailedPreconditionError);
    expect((err as Error).message).to.match(/^Attempting to use uninitialized value v\b/);
    await sess.run(m.init);
    expect(Array.from((await sess.run(m.set)).data)).to.deep.equal([5, 6]);
    expect(Array.from((await sess.run(m.add)).data)).to.deep.equal([6, 7]);
    expect(Array.from((await sess.run(m.sub)).data)).to.deep.equal([4, 4]);
    expect(devicesOf(sess, ['AssignSubVariableOp', 'ReadVariableOp'])).to.deep.equal(['/device:GPU:0', '/device:GPU:0']);
    sess.close();
  });
});
