import { expect } from 'chai';
import * as tg from '../../src/index.js';
import type { PrecompileReport, StaticStep } from '../../runtime/backend.js';
import { NullBackend } from '../../runtime/null/null_backend.js';

/** A device that builds kernels ahead: it keeps the static steps each new plan hands it. */
class AheadBackend extends NullBackend {
  readonly plans: { steps: readonly StaticStep[]; unknown: number }[] = [];
  precompile(steps: readonly StaticStep[], unknown: number): Promise<PrecompileReport> {
    this.plans.push({ steps, unknown });
    return Promise.resolve({ steps: steps.length, deferred: unknown, kernels: 0, built: 0 });
  }
}

function mlp(): { g: tg.Graph; x: tg.Tensor; labels: tg.Tensor; loss: tg.Tensor; train: tg.Operation; init: tg.Operation } {
  const g = new tg.Graph();
  const m = g.asDefault(() => {
    const x = tg.placeholder('float32', [null, 12], 'x');
    const labels = tg.placeholder('int32', [null], 'labels');
    const h = tg.layers.dense(tg.reshape(x, [-1, 3, 4]), 5, { activation: tg.nn.relu });
    const logits = tg.layers.dense(tg.reshape(h, [-1, 15]), 4);
    const loss = tg.reduceMean(tg.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
    const train = new tg.train.AdamOptimizer(0.1).minimize(loss);
    return { x, labels, loss, train, init: tg.globalVariablesInitializer() };
  });
  return { g, ...m };
}

describe('runtime: static steps for building kernels ahead (precompile)', () => {
  it('every step of a training plan has known types: gradient shape arithmetic is followed from the feed shapes', async () => {
    const m = mlp();
    const dev = new AheadBackend();
    const sess = new tg.Session({ graph: m.g, backend: dev });
    const [report] = await sess.precompile([m.loss, m.train], { [m.x.name]: [6, 12], [m.labels.name]: [6] });
    expect(report.deferred).to.equal(0);
    const { steps } = dev.plans[0];
    expect(steps.length).to.be.greaterThan(20);
    // the program keeps the batch dim of these gradients unknown; the static steps know it
    const reshapeGrad = steps.filter((s) => s.ctx.opType === 'Reshape' && s.ctx.opName.startsWith('gradients/'));
    expect(reshapeGrad.map((s) => s.outputs[0].shape)).to.deep.include([6, 3, 5]);
    // the optimizer updates name their variables, typed as the variables
    const updates = steps.filter((s) => s.refs.some((r) => r !== null));
    expect(updates.length).to.be.greaterThan(0);
    for (const u of updates) u.refs.forEach((r, i) => r !== null && expect(u.inputs[i].shape, `${u.ctx.opName} input ${i}`).to.not.include(-1));
  });

  it('a dim only the data decides leaves its steps out, counted', async () => {
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const x = tg.placeholder('float32', [6], 'x');
      const shape = tg.placeholder('int32', [2], 'shape');
      return { x, shape, z: tg.exp(tg.reshape(x, shape)), w: tg.exp(x) };
    });
    const dev = new AheadBackend();
    const sess = new tg.Session({ graph: g, backend: dev, optimizer: { disable: ['all'] } });
    const [report] = await sess.precompile([m.z, m.w], { [m.x.name]: [6], [m.shape.name]: [2] });
    expect(report.deferred).to.equal(2);
    expect(dev.plans[0].steps.map((s) => s.ctx.opName)).to.deep.equal(['Exp_1']);
  });

  it('a run precompiles each new plan once; precompile: false never', async () => {
    const m = mlp();
    const feeds = { [m.x.name]: tg.NDArray.zeros('float32', [2, 12]), [m.labels.name]: tg.NDArray.zeros('int32', [2]) };
    const dev = new AheadBackend();
    const sess = new tg.Session({ graph: m.g, backend: dev });
    await sess.run(m.init);
    await sess.run(m.loss, feeds);
    await sess.run(m.loss, feeds);
    expect(dev.plans.length).to.equal(2);
    const off = new AheadBackend();
    const quiet = new tg.Session({ graph: m.g, backend: off, precompile: false });
    await quiet.run(m.init);
    await quiet.run(m.loss, feeds);
    expect(off.plans.length).to.equal(0);
  });
});
