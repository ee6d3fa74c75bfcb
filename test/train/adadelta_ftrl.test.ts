import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { QUAD } from './tf_formulas.js';
import { adadeltaStep, ftrlStep, type FtrlParams } from './tf_formulas_adadelta_ftrl.js';
import { applyFtrl } from '../../ops/optimizer/apply_ftrl.js';
import { expectTrajectory, quadratic, referenceTrajectory, tfjsTrajectory, trajectory } from './trajectory.js';

const STEPS = 6;
const zeros = (): number[] => QUAD.start.map(() => 0);
const fill = (x: number): number[] => QUAD.start.map(() => x);

async function values(sess: tg.Session, v: tg.Variable): Promise<number[]> {
  return Array.from(((await sess.run(v)) as tg.NDArray).data);
}

/** Each test runs on TF1 ref variables (Apply* ops) and on resource variables (ResourceApply* ops). */
const FORMS = [
  { useResource: false, prefix: 'Apply', what: 'ref variables' },
  { useResource: true, prefix: 'ResourceApply', what: 'resource variables' },
] as const;

/** The update ops a graph holds (the optimizer makes one per variable). */
function updateTypes(g: tg.Graph): string[] {
  return g.getOperations().map((o) => o.type).filter((t) => /^(Resource)?Apply/.test(t));
}

describe('train: AdadeltaOptimizer', () => {
  // tfjs's adadelta is not an oracle here: it divides by the accumulator from before this step's
  // gradient (its first step is plain SGD), where TF's kernel updates accum first.
  it("matches TF's ApplyAdadelta rule (float64 reference) step by step, and differs from tfjs's adadelta as TF does", async () => {
    for (const [lr, rho, eps] of [[1, 0.95, 1e-6], [0.5, 0.8, 1e-2]]) {
      const ours = await trajectory(() => new tg.train.AdadeltaOptimizer(lr, { rho, epsilon: eps }), STEPS);
      const ref = referenceTrajectory({ v: QUAD.start, accum: zeros(), accumUpdate: zeros() }, (s, g) => adadeltaStep(s, g, lr, rho, eps), STEPS);
      expectTrajectory(ours, ref, 1e-5, `vs TF formula lr=${lr} rho=${rho}`);
      const tfjs = await tfjsTrajectory((tf) => tf.train.adadelta(lr, rho, eps), 1);
      expect(tfjs[0][0], 'tfjs step 1 is SGD').to.be.closeTo(QUAD.start[0] - lr * QUAD.a[0] * (QUAD.start[0] - QUAD.c[0]), 1e-6);
      expect(Math.abs(ours[0][0] - tfjs[0][0]), 'TF step 1 is not SGD').to.be.greaterThan(0.01);
    }
  });
  it('on resource variables: one ResourceApplyAdadelta per variable, the same float64 reference trajectory', async () => {
    for (const [lr, rho, eps] of [[1, 0.95, 1e-6], [0.5, 0.8, 1e-2]]) {
      const check = async (q: ReturnType<typeof quadratic>) => void expect(updateTypes(q.g)).to.deep.equal(['ResourceApplyAdadelta']);
      const ours = await trajectory(() => new tg.train.AdadeltaOptimizer(lr, { rho, epsilon: eps }), STEPS, check, { useResource: true });
      const ref = referenceTrajectory({ v: QUAD.start, accum: zeros(), accumUpdate: zeros() }, (s, g) => adadeltaStep(s, g, lr, rho, eps), STEPS);
      expectTrajectory(ours, ref, 1e-5, `resource, vs TF formula lr=${lr} rho=${rho}`);
    }
  });
  for (const { useResource, prefix, what } of FORMS) {
    it(`TF1 defaults (0.001, rho 0.95, eps 1e-8); slots 'accum' (w/Adadelta) and 'accum_update' (w/Adadelta_1) as TF names them (${what})`, async () => {
      const q = quadratic(() => new tg.train.AdadeltaOptimizer(), { useResource });
      const opt = q.t.opt;
      expect(opt.getSlotNames()).to.deep.equal(['accum', 'accum_update']);
      expect(opt.getSlot(q.t.w, 'accum')!.name).to.equal('w/Adadelta:0');
      expect(opt.getSlot(q.t.w, 'accum_update')!.name).to.equal('w/Adadelta_1:0');
      expect(opt.getSlot(q.t.w, 'accum')!.isResource, 'slots are made like their variable').to.equal(useResource);
      expect(q.g.getOperationByName(`Adadelta/update_w/${prefix}Adadelta`).type).to.equal(`${prefix}Adadelta`);
      await q.sess.run(q.t.init);
      await q.sess.run(q.t.train);
      const ref = adadeltaStep({ v: QUAD.start, accum: zeros(), accumUpdate: zeros() }, QUAD.start.map((x, i) => QUAD.a[i] * (x - QUAD.c[i])), 0.001, 0.95, 1e-8);
      expectTrajectory([await values(q.sess, q.t.w)], [ref.v], 1e-6, 'defaults');
      expectTrajectory([await values(q.sess, opt.getSlot(q.t.w, 'accum')!)], [ref.accum], 1e-6, 'accum slot');
      expectTrajectory([await values(q.sess, opt.getSlot(q.t.w, 'accum_update')!)], [ref.accumUpdate], 1e-6, 'accum_update slot');
      expect(Array.from(((await q.sess.run(q.t.step)) as tg.NDArray).data)).to.deep.equal([1]);
    });
  }
});

describe('train: FtrlOptimizer', () => {
  const cases: { what: string; opts: tg.train.FtrlOptions; p: FtrlParams; init: number }[] = [
    { what: 'defaults', opts: {}, p: { lr: 0.5, l1: 0, l2: 0, lrPower: -0.5 }, init: 0.1 },
    { what: 'l1 (zeros small weights) and l2', opts: { l1RegularizationStrength: 0.8, l2RegularizationStrength: 0.3 }, p: { lr: 0.5, l1: 0.8, l2: 0.3, lrPower: -0.5 }, init: 0.1 },
    { what: 'learning_rate_power -0.3, initial accumulator 0.5', opts: { learningRatePower: -0.3, initialAccumulatorValue: 0.5 }, p: { lr: 0.5, l1: 0, l2: 0, lrPower: -0.3 }, init: 0.5 },
    { what: 'learning_rate_power 0 (fixed rate)', opts: { learningRatePower: 0, l1RegularizationStrength: 0.1 }, p: { lr: 0.5, l1: 0.1, l2: 0, lrPower: 0 }, init: 0.1 },
    { what: 'l2 shrinkage (ApplyFtrlV2)', opts: { l2ShrinkageRegularizationStrength: 0.2, l1RegularizationStrength: 0.05, l2RegularizationStrength: 0.1 }, p: { lr: 0.5, l1: 0.05, l2: 0.1, lrPower: -0.5, l2Shrinkage: 0.2 }, init: 0.1 },
    { what: 'beta adds beta / (2 lr) to l2', opts: { beta: 0.4, l2RegularizationStrength: 0.1 }, p: { lr: 0.5, l1: 0, l2: 0.1 + 0.4 / (2 * 0.5), lrPower: -0.5 }, init: 0.1 },
  ];
  for (const { what, opts, p, init } of cases) {
    for (const form of FORMS) {
      const type = `${form.prefix}${p.l2Shrinkage ? 'FtrlV2' : 'Ftrl'}`;
      it(`matches TF's FTRL-Proximal rule (float64 reference): ${what}, on ${form.what} (${type})`, async () => {
        const check = async (q: ReturnType<typeof quadratic>) => void expect(updateTypes(q.g)).to.deep.equal([type]);
        const ours = await trajectory(() => new tg.train.FtrlOptimizer(p.lr, opts), STEPS, check, { useResource: form.useResource });
        const ref = referenceTrajectory({ v: QUAD.start, accum: fill(init), linear: zeros() }, (s, g) => ftrlStep(s, g, p), STEPS);
        expectTrajectory(ours, ref, 2e-5, `Ftrl ${what} (${form.what})`);
      });
    }
  }
  it('l1 drives a weight whose linear term stays inside the l1 ball to exactly zero', async () => {
    const ours = await trajectory(() => new tg.train.FtrlOptimizer(0.5, { l1RegularizationStrength: 3 }), 2);
    const ref = referenceTrajectory({ v: QUAD.start, accum: fill(0.1), linear: zeros() }, (s, g) => ftrlStep(s, g, { lr: 0.5, l1: 3, l2: 0, lrPower: -0.5 }), 2);
    expect(ref[1].filter((x) => x === 0).length, 'the reference has zeroed weights').to.be.greaterThan(0);
    ref[1].forEach((x, i) => x === 0 && expect(ours[1][i], `w[${i}]`).to.equal(0));
    expectTrajectory(ours, ref, 2e-5, 'l1');
  });
  for (const { useResource, prefix, what } of FORMS) {
    it(`slots 'accum' (w/Ftrl, the initial accumulator value) and 'linear' (w/Ftrl_1, zeros); ${prefix}Ftrl, ${prefix}FtrlV2 with shrinkage (${what})`, async () => {
      const q = quadratic(() => new tg.train.FtrlOptimizer(0.1, { initialAccumulatorValue: 0.25 }), { useResource });
      const opt = q.t.opt;
      expect(opt.getSlotNames()).to.deep.equal(['accum', 'linear']);
      expect(opt.getSlot(q.t.w, 'accum')!.name).to.equal('w/Ftrl:0');
      expect(opt.getSlot(q.t.w, 'linear')!.name).to.equal('w/Ftrl_1:0');
      expect(opt.getSlot(q.t.w, 'linear')!.isResource, 'slots are made like their variable').to.equal(useResource);
      expect(q.g.getOperationByName(`Ftrl/update_w/${prefix}Ftrl`).type).to.equal(`${prefix}Ftrl`);
      await q.sess.run(q.t.init);
      expect(await values(q.sess, opt.getSlot(q.t.w, 'accum')!)).to.deep.equal([0.25, 0.25, 0.25]);
      expect(await values(q.sess, opt.getSlot(q.t.w, 'linear')!)).to.deep.equal([0, 0, 0]);
      const v2 = quadratic(() => new tg.train.FtrlOptimizer(0.1, { l2ShrinkageRegularizationStrength: 0.1 }), { useResource });
      expect(v2.g.getOperationByName(`Ftrl/update_w/${prefix}FtrlV2`).type).to.equal(`${prefix}FtrlV2`);
      const named = quadratic(() => new tg.train.FtrlOptimizer(0.1, { accumName: 'Acc', linearName: 'Lin' }), { useResource });
      expect(named.t.opt.getSlot(named.t.w, 'accum')!.name).to.equal('w/Acc:0');
      expect(named.t.opt.getSlot(named.t.w, 'linear')!.name).to.equal('w/Lin:0');
    });
  }
  it('refuses out-of-range arguments with TF1 text', () => {
    const bad: [tg.train.FtrlOptions, string][] = [
      [{ learningRatePower: 0.5 }, 'learning_rate_power 0.500000 needs to be negative or zero'],
      [{ initialAccumulatorValue: -1 }, 'initial_accumulator_value -1.000000 needs to be positive or zero'],
      [{ l1RegularizationStrength: -0.1 }, 'l1_regularization_strength -0.100000 needs to be positive or zero'],
      [{ l2RegularizationStrength: -0.1 }, 'l2_regularization_strength -0.100000 needs to be positive or zero'],
      [{ l2ShrinkageRegularizationStrength: -2 }, 'l2_shrinkage_regularization_strength -2.000000 needs to be positive or zero'],
    ];
    for (const [opts, text] of bad) expect(() => new tg.train.FtrlOptimizer(0.1, opts)).to.throw(tg.InvalidArgumentError, text);
    expect(() => new tg.train.FtrlOptimizer(tg.constant(0.1), { beta: 1 })).to.throw(tg.InvalidArgumentError, /beta needs a numeric learning_rate/);
  });
  for (const { useResource, what } of FORMS) {
    it(`a checkpoint holds the slots under their TF names (w/Ftrl, w/Ftrl_1) (${what})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ftrl-'));
      const q = quadratic(() => new tg.train.FtrlOptimizer(0.1), { useResource });
      const saver = q.g.asDefault(() => new tg.train.Saver());
      await q.sess.run(q.t.init);
      await q.sess.run(q.t.train);
      const prefix = await saver.save(q.sess, join(dir, 'model'));
      const names = tg.train.listVariables(prefix).map(([n]) => n);
      expect(names).to.include.members(['w', 'w/Ftrl', 'w/Ftrl_1']);
      const accum = tg.train.loadVariable(prefix, 'w/Ftrl');
      expect(Array.from(accum.data)).to.deep.equal(Array.from(((await q.sess.run(q.t.opt.getSlot(q.t.w, 'accum')!)) as tg.NDArray).data));
      expect(Array.from(accum.data), 'the step moved accum off its initial value').to.not.deep.equal([0.1, 0.1, 0.1]);
    });
  }
});

describe('train: Adadelta and Ftrl updates grouped into one dispatch give the same numbers', () => {
  const makers: [string, () => tg.train.Optimizer][] = [
    ['Adadelta', () => new tg.train.AdadeltaOptimizer(1, { rho: 0.9, epsilon: 1e-4 })],
    ['Ftrl', () => new tg.train.FtrlOptimizer(0.3, { l1RegularizationStrength: 0.01 })],
    ['FtrlV2', () => new tg.train.FtrlOptimizer(0.3, { l2ShrinkageRegularizationStrength: 0.1 })],
  ];
  for (const [what, make] of makers) {
    it(`${what}: group-updates on and off`, async () => {
      const results: number[][] = [];
      for (const disable of [[], ['group-updates']]) {
        const g = new tg.Graph();
        const t = g.asDefault(() => {
          const a = new tg.Variable(tg.constant([1, -2, 3]), { name: 'a' });
          const b = new tg.Variable(tg.constant([[0.5, 0.25]]), { name: 'b' });
          const loss = tg.add(tg.reduceSum(tg.square(tg.sub(a, 1.5))), tg.reduceSum(tg.square(tg.add(b, 2))));
          return { a, b, train: make().minimize(loss), init: tg.globalVariablesInitializer() };
        });
        const sess = new tg.Session({ graph: g, optimizer: { disable } });
        await sess.run(t.init);
        for (let k = 0; k < 4; k++) await sess.run(t.train);
        const [a, b] = (await sess.run([t.a, t.b])) as tg.NDArray[];
        results.push([...Array.from(a.data), ...Array.from(b.data)]);
      }
      expect(results[0]).to.deep.equal(results[1]);
    });
  }
});

describe('train ops: ApplyFtrl with multiply_linear_by_lr', () => {
  it('keeps lr times the linear term and gives the same variable (TF: the same update, linear scaled by lr)', async () => {
    const run = async (byLr: boolean, v2: boolean): Promise<{ w: number[]; linear: number[] }> => {
      const g = new tg.Graph();
      const t = g.asDefault(() => {
        const w = new tg.Variable(tg.constant([0.5, -1, 2, 0.01]), { name: 'w' });
        const accum = new tg.Variable(tg.constant([0.1, 0.1, 0.1, 0.1]), { name: 'accum' });
        const linear = new tg.Variable(tg.constant([0, 0, 0, 0]), { name: 'linear' });
        const h = { lr: tg.constant(0.25), l1: tg.constant(0.05), l2: tg.constant(0.1), lrPower: tg.constant(-0.5), ...(v2 ? { l2Shrinkage: tg.constant(0.2) } : {}) };
        const op = applyFtrl(w.ref, accum.ref, linear.ref, tg.constant([0.3, -2, 1, 0.01]), h, { multiplyLinearByLr: byLr });
        return { w, linear, op, init: tg.globalVariablesInitializer() };
      });
      const sess = new tg.Session({ graph: g });
      await sess.run(t.init);
      await sess.run(t.op);
      await sess.run(t.op);
      return { w: await values(sess, t.w), linear: await values(sess, t.linear) };
    };
    for (const v2 of [false, true]) {
      const plain = await run(false, v2);
      const scaled = await run(true, v2);
      expectTrajectory([scaled.w], [plain.w], 1e-5, `var (V2: ${v2})`);
      expectTrajectory([scaled.linear], [plain.linear.map((x) => x * 0.25)], 1e-5, `linear (V2: ${v2})`);
    }
  });
});
