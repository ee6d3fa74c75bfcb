import { expect } from 'chai';
import * as tg from '../../src/index.js';

describe('train: ExponentialMovingAverage (TF formula)', () => {
  it('shadow -= (1 - decay) * (shadow - var), named <var>/ExponentialMovingAverage, saved but not trained', async () => {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const w = new tg.Variable(tg.constant([0, 2]), { name: 'W' });
      const ema = new tg.train.ExponentialMovingAverage(0.9);
      const update = ema.apply([w]);
      return { w, ema, update, set: w.assign(tg.constant([10, 2])), init: tg.globalVariablesInitializer() };
    });
    const shadow = t.ema.average(t.w)!;
    expect(shadow.op.name).to.equal('W/ExponentialMovingAverage');
    expect(t.ema.averageName(t.w)).to.equal('W/ExponentialMovingAverage');
    expect(tg.trainableVariables(g).map((v) => v.op.name)).to.deep.equal(['W']);
    expect(tg.globalVariables(g).map((v) => v.op.name)).to.include('W/ExponentialMovingAverage');
    expect(Object.keys(t.ema.variablesToRestore([t.w]))).to.deep.equal(['W/ExponentialMovingAverage']);
    const sess = new tg.Session({ graph: g });
    await sess.run(t.init);
    expect(Array.from((await sess.run(shadow.value())).data)).to.deep.equal([0, 2]); // starts at the initial value
    await sess.run(t.set);
    await sess.run(t.update);
    const s1 = Array.from((await sess.run(shadow.value())).data);
    expect(s1[0]).to.be.closeTo(1, 1e-6);
    expect(s1[1]).to.be.closeTo(2, 1e-6);
    await sess.run(t.update);
    expect((await sess.run(shadow.value())).data[0]).to.be.closeTo(1.9, 1e-6);
  });

  it('with numUpdates the decay is min(decay, (1 + n) / (10 + n))', async () => {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const w = new tg.Variable(tg.constant(0), { name: 'w' });
      const step = tg.train.getOrCreateGlobalStep();
      const ema = new tg.train.ExponentialMovingAverage(0.99, { numUpdates: step });
      return { w, step, shadow: () => ema.average(w)!, update: ema.apply([w]), set: w.assign(10), bump: step.assign(90), init: tg.globalVariablesInitializer() };
    });
    const sess = new tg.Session({ graph: g });
    await sess.run([t.init]);
    await sess.run(t.set);
    await sess.run(t.update); // n = 0: decay 0.1, shadow = 0 - 0.9 * (0 - 10) = 9
    expect((await sess.run(t.shadow().value())).item()).to.be.closeTo(9, 1e-5);
    await sess.run(t.bump);
    await sess.run(t.update); // n = 90: decay min(0.99, 91/100) = 0.91: 9 - 0.09 * (9 - 10)
    expect((await sess.run(t.shadow().value())).item()).to.be.closeTo(9.09, 1e-5);
  });
});
