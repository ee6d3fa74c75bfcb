import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { randomData } from '../util/oracle.js';
import { adagradStep, adamStep, momentumStep, QUAD, rmspropStep } from './tf_formulas.js';
import { expectTrajectory, type Make, quadratic, referenceTrajectory, tfjsTrajectory, trajectory } from './trajectory.js';

const STEPS = 5;
const zeros = () => QUAD.start.map(() => 0);

describe('train: MomentumOptimizer', () => {
  for (const useNesterov of [false, true]) {
    it(`matches TF's rule and tfjs's momentum optimizer step by step (useNesterov=${useNesterov})`, async () => {
      const ours = await trajectory(() => new tg.train.MomentumOptimizer(0.1, 0.9, { useNesterov }), STEPS);
      const ref = referenceTrajectory({ v: QUAD.start, accum: zeros() }, (s, g) => momentumStep(s, g, 0.1, 0.9, useNesterov), STEPS);
      expectTrajectory(ours, ref, 1e-5, 'vs TF formula');
      expectTrajectory(ours, await tfjsTrajectory((tf) => tf.train.momentum(0.1, 0.9, useNesterov), STEPS), 1e-5, 'vs tfjs');
    });
  }
  it('slot W/Momentum: zeros, not trainable, in GLOBAL_VARIABLES; the apply op lives under Momentum/update_W', async () => {
    const q = quadratic(() => new tg.train.MomentumOptimizer(0.1, 0.9));
    const opt = q.t.opt as tg.train.MomentumOptimizer;
    const slot = opt.getSlot(q.t.w, 'momentum')!;
    expect(slot.name).to.equal('w/Momentum:0');
    expect(slot.trainable).to.equal(false);
    expect(opt.getSlotNames()).to.deep.equal(['momentum']);
    expect(tg.globalVariables(q.g).map((v) => v.name)).to.include('w/Momentum:0');
    expect(tg.trainableVariables(q.g).map((v) => v.name)).to.deep.equal(['w:0']);
    const apply = q.g.getOperationByName('Momentum/update_w/ApplyMomentum');
    expect(apply.type).to.equal('ApplyMomentum');
    expect(apply.inputs.map((i) => i.op.name)).to.deep.include.members(['w', 'w/Momentum']);
    await q.sess.run(q.t.init);
    expect(Array.from(((await q.sess.run(slot)) as tg.NDArray).data)).to.deep.equal([0, 0, 0]);
  });
});

describe('train: AdagradOptimizer', () => {
  it("matches TF's rule (no epsilon) and, within tfjs's epsilon, tfjs's adagrad", async () => {
    const ours = await trajectory(() => new tg.train.AdagradOptimizer(0.3), STEPS);
    const ref = referenceTrajectory({ v: QUAD.start, accum: QUAD.start.map(() => 0.1) }, (s, g) => adagradStep(s, g, 0.3), STEPS);
    expectTrajectory(ours, ref, 1e-5, 'vs TF formula');
    // tfjs adds its backend epsilon (1e-7) under the root; with accumulators >= 0.1 that moves w by < 1e-6
    expectTrajectory(ours, await tfjsTrajectory((tf) => tf.train.adagrad(0.3, 0.1), STEPS), 1e-5, 'vs tfjs');
  });
  it('slot W/Adagrad starts at initialAccumulatorValue; a non-positive value is refused', async () => {
    const q = quadratic(() => new tg.train.AdagradOptimizer(0.1, { initialAccumulatorValue: 0.25 }));
    const slot = q.t.opt.getSlot(q.t.w, 'accumulator')!;
    expect(slot.name).to.equal('w/Adagrad:0');
    await q.sess.run(q.t.init);
    expect(Array.from(((await q.sess.run(slot)) as tg.NDArray).data)).to.deep.equal([0.25, 0.25, 0.25]);
    expect(() => new tg.train.AdagradOptimizer(0.1, { initialAccumulatorValue: 0 })).to.throw(tg.InvalidArgumentError, /initial_accumulator_value must be positive: 0/);
  });
});

describe('train: RMSPropOptimizer', () => {
  it("matches TF1's rule with the mean square starting at ones", async () => {
    const opts = { decay: 0.9, momentum: 0.5, epsilon: 1e-10 };
    const ours = await trajectory(() => new tg.train.RMSPropOptimizer(0.01, opts), STEPS);
    const ref = referenceTrajectory({ v: QUAD.start, ms: QUAD.start.map(() => 1), mom: zeros() }, (s, g) => rmspropStep(s, g, 0.01, 0.9, 0.5, 1e-10), STEPS);
    expectTrajectory(ours, ref, 1e-5, 'vs TF formula');
  });
  it('matches tfjs once the mean square starts at zeros as tfjs starts it (same update rule otherwise)', async () => {
    const opts = { decay: 0.9, momentum: 0.5, epsilon: 1e-6 };
    const ours = await trajectory(() => new tg.train.RMSPropOptimizer(0.01, opts), STEPS, async (q) => {
      const rms = q.t.opt.getSlot(q.t.w, 'rms')!;
      await q.sess.run(rms.assign(tg.NDArray.from([0, 0, 0])));
    });
    const ref = referenceTrajectory({ v: QUAD.start, ms: zeros(), mom: zeros() }, (s, g) => rmspropStep(s, g, 0.01, 0.9, 0.5, 1e-6), STEPS);
    expectTrajectory(ours, ref, 1e-4, 'vs TF formula from zeros');
    expectTrajectory(ours, await tfjsTrajectory((tf) => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-6), STEPS), 1e-4, 'vs tfjs');
  });
  it('slots W/RMSProp (rms, ones) and W/RMSProp_1 (momentum, zeros)', async () => {
    const q = quadratic(() => new tg.train.RMSPropOptimizer(0.01));
    const rms = q.t.opt.getSlot(q.t.w, 'rms')!;
    const mom = q.t.opt.getSlot(q.t.w, 'momentum')!;
    expect([rms.name, mom.name]).to.deep.equal(['w/RMSProp:0', 'w/RMSProp_1:0']);
    expect(q.t.opt.getSlotNames()).to.deep.equal(['momentum', 'rms']);
    await q.sess.run(q.t.init);
    const [r, m] = (await q.sess.run([rms, mom])) as tg.NDArray[];
    expect(Array.from(r.data)).to.deep.equal([1, 1, 1]);
    expect(Array.from(m.data)).to.deep.equal([0, 0, 0]);
  });
});

describe('train: AdamOptimizer', () => {
  it("matches TF's rule and, to within the epsilon placement, tfjs's adam", async () => {
    const ours = await trajectory(() => new tg.train.AdamOptimizer({ learningRate: 0.1 }), STEPS);
    const ref = referenceTrajectory({ v: QUAD.start, m: zeros(), s: zeros(), beta1Power: 0.9, beta2Power: 0.999 }, (s, g) => adamStep(s, g, 0.1, 0.9, 0.999, 1e-8), STEPS);
    expectTrajectory(ours, ref, 1e-5, 'vs TF formula');
    expectTrajectory(ours, await tfjsTrajectory((tf) => tf.train.adam(0.1, 0.9, 0.999, 1e-8), STEPS), 1e-5, 'vs tfjs');
  });
  it('puts epsilon where TF does (outside the bias correction), unlike tfjs: visible with a large epsilon', async () => {
    // TF: lr*sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps); tfjs: lr * m_hat / (sqrt(v_hat) + eps).
    // They agree only when eps is negligible, so the TF-formula reference is the oracle here.
    const eps = 0.5;
    const ours = await trajectory(() => new tg.train.AdamOptimizer(0.1, { epsilon: eps }), STEPS);
    const ref = referenceTrajectory({ v: QUAD.start, m: zeros(), s: zeros(), beta1Power: 0.9, beta2Power: 0.999 }, (s, g) => adamStep(s, g, 0.1, 0.9, 0.999, eps), STEPS);
    expectTrajectory(ours, ref, 1e-5, 'vs TF formula');
    const tfjs = await tfjsTrajectory((tf) => tf.train.adam(0.1, 0.9, 0.999, eps), STEPS);
    expect(Math.abs(tfjs[0][0] - ours[0][0])).to.be.greaterThan(1e-3);
  });
  it('slots W/Adam and W/Adam_1; beta1_power and beta2_power once per graph, advanced once per step after every ApplyAdam', async () => {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const w = new tg.Variable(tg.constant([1, 2]), { name: 'w' });
      const b = tg.nameScope('layer', () => new tg.Variable(tg.constant(0.5), { name: 'b' }));
      const loss = tg.add(tg.reduceSum(tg.square(w)), tg.square(b));
      const opt = new tg.train.AdamOptimizer(0.01);
      const train = opt.minimize(loss, { globalStep: tg.train.getOrCreateGlobalStep() });
      // a second minimize with the same optimizer reuses the graph's beta powers
      const train2 = opt.minimize(tg.reduceSum(w), { varList: [w] });
      return { w, b, opt, train, train2, init: tg.globalVariablesInitializer() };
    });
    const names = tg.globalVariables(g).map((v) => v.name);
    expect(names).to.include.members(['beta1_power:0', 'beta2_power:0', 'w/Adam:0', 'w/Adam_1:0', 'layer/b/Adam:0', 'layer/b/Adam_1:0', 'global_step:0']);
    expect(names.filter((n) => n.startsWith('beta'))).to.deep.equal(['beta1_power:0', 'beta2_power:0']);
    expect(tg.trainableVariables(g).map((v) => v.name)).to.deep.equal(['w:0', 'layer/b:0']);
    expect(t.opt.getSlotNames()).to.deep.equal(['m', 'v']);
    expect(t.opt.variables().map((v) => v.name)).to.include.members(['beta1_power:0', 'w/Adam:0']);
    // the beta-power assignments wait for both ApplyAdam ops
    const applies = g.getOperations().filter((o) => o.type === 'ApplyAdam' && o.name.startsWith('Adam/'));
    expect(applies.map((o) => o.name)).to.deep.equal(['Adam/update_w/ApplyAdam', 'Adam/update_layer/b/ApplyAdam']);
    const assigns = g.getOperations().filter((o) => o.type === 'Assign' && o.name.startsWith('Adam/'));
    expect(assigns.map((o) => o.inputs[0].op.name)).to.deep.equal(['beta1_power', 'beta2_power']);
    for (const a of assigns) expect(a.controlInputs).to.include.members(applies);

    const sess = new tg.Session({ graph: g });
    await sess.run(t.init);
    const b1 = t.opt.variables().find((v) => v.name === 'beta1_power:0')!;
    const b2 = t.opt.variables().find((v) => v.name === 'beta2_power:0')!;
    expect(((await sess.run(b1)) as tg.NDArray).item()).to.be.closeTo(0.9, 1e-7);
    for (let k = 0; k < 3; k++) await sess.run(t.train);
    expect(((await sess.run(b1)) as tg.NDArray).item()).to.be.closeTo(0.9 ** 4, 1e-6);
    expect(((await sess.run(b2)) as tg.NDArray).item()).to.be.closeTo(0.999 ** 4, 1e-6);
    expect(((await sess.run(tg.train.getGlobalStep(g)!)) as tg.NDArray).item()).to.equal(3);
    // the first ApplyAdam saw beta powers 0.9 / 0.999 (not already advanced): check w after step 1 in a fresh session
    const fresh = new tg.Session({ graph: g });
    await fresh.run(t.init);
    await fresh.run(t.train);
    const ref = adamStep({ v: [1, 2], m: [0, 0], s: [0, 0], beta1Power: 0.9, beta2Power: 0.999 }, [2, 4], 0.01, 0.9, 0.999, 1e-8);
    expectTrajectory([Array.from(((await fresh.run(t.w)) as tg.NDArray).data)], [ref.v], 1e-6, 'w after one step');
  });
  it('places slots with their variable and the beta powers with the variable whose name sorts first, as TF colocates them', () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      const b = tg.device('/device:CPU:1', () => new tg.Variable(tg.constant([1]), { name: 'b' }));
      const a = tg.device('/device:CPU:0', () => new tg.Variable(tg.constant([1]), { name: 'a' }));
      new tg.train.AdamOptimizer().minimize(tg.add(tg.reduceSum(b), tg.reduceSum(a)));
    });
    expect(g.getOperationByName('beta1_power').device).to.equal('/device:CPU:0');
    expect(g.getOperationByName('beta2_power').device).to.equal('/device:CPU:0');
    expect(g.getOperationByName('b/Adam').device).to.equal('/device:CPU:1');
  });
  it('takes its learning rate first or in the options, with TF defaults', () => {
    new tg.Graph().asDefault(() => {
      const w = new tg.Variable(tg.constant([1]), { name: 'w' });
      new tg.train.AdamOptimizer().minimize(tg.reduceSum(w));
      new tg.train.AdamOptimizer(0.5, { beta1: 0.5, name: 'Fast' }).minimize(tg.reduceSum(w));
      const g = tg.getDefaultGraph();
      const value = (n: string) => (g.getOperationByName(n).attrs.value as tg.NDArray).item();
      expect([value('Adam/learning_rate'), value('Adam/beta1'), value('Adam/beta2')]).to.deep.equal([0.0010000000474974513, 0.8999999761581421, 0.9990000128746033]);
      expect(value('Adam/epsilon')).to.be.closeTo(1e-8, 1e-15);
      expect([value('Fast/learning_rate'), value('Fast/beta1')]).to.deep.equal([0.5, 0.5]);
    });
  });
});

describe('train: optimizers reduce a least-squares loss', () => {
  const X = tg.NDArray.from(randomData(16 * 3, 5), [16, 3]);
  const trueW = [1.5, -2, 0.5];
  const y = tg.NDArray.from(
    Float32Array.from({ length: 16 }, (_v, r) => trueW.reduce((s, w, j) => s + w * X.data[r * 3 + j], 0.3) + 0.01 * randomData(16, 9)[r]),
    [16, 1],
  );
  const cases: [string, Make][] = [
    ['GradientDescent', () => new tg.train.GradientDescentOptimizer(0.2)],
    ['Momentum', () => new tg.train.MomentumOptimizer(0.05, 0.9)],
    ['Momentum (Nesterov)', () => new tg.train.MomentumOptimizer(0.05, 0.9, { useNesterov: true })],
    ['Adagrad', () => new tg.train.AdagradOptimizer(0.5)],
    ['RMSProp', () => new tg.train.RMSPropOptimizer(0.05)],
    ['Adam', () => new tg.train.AdamOptimizer(0.1)],
  ];
  for (const [name, make] of cases) {
    it(`${name}: 50 steps cut the loss below a tenth`, async () => {
      const g = new tg.Graph();
      const t = g.asDefault(() => {
        const W = new tg.Variable(tg.zeros([3, 1]), { name: 'W' });
        const b = new tg.Variable(tg.zeros([1]), { name: 'b' });
        const loss = tg.reduceMean(tg.square(tg.sub(tg.add(tg.matMul(tg.constant(X), W), b), tg.constant(y))));
        return { loss, train: make().minimize(loss), init: tg.globalVariablesInitializer() };
      });
      const sess = new tg.Session({ graph: g });
      await sess.run(t.init);
      const first = ((await sess.run(t.loss)) as tg.NDArray).item();
      for (let k = 0; k < 50; k++) await sess.run(t.train);
      const last = ((await sess.run(t.loss)) as tg.NDArray).item();
      expect(last, `${name}: loss ${first} -> ${last}`).to.be.lessThan(first / 10);
    });
  }
});
