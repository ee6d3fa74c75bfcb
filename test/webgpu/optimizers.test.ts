import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { applyFtrl } from '../../ops/optimizer/apply_ftrl.js';
import { requireAdapter } from './adapter.js';

type Step = (w: tg.Variable, loss: tg.Tensor) => tg.Operation | tg.Tensor;

const XS = tg.NDArray.from([[1, 2, 0, -1], [0.5, -1, 2, 0], [3, 1, -2, 1]]);

/** Five steps of `step` on a 4x2 linear model: the weights after each step, per backend. */
async function trace(step: Step, backend: 'cpu' | 'webgpu'): Promise<number[][]> {
  const g = new tg.Graph();
  const m = g.asDefault(() => {
    const x = tg.placeholder('float32', [3, 4], 'x');
    const w = new tg.Variable(tg.constant([[0.5, -0.25], [0.1, 0.3], [-0.4, 0.2], [0.05, -0.6]]), { name: 'w' });
    const loss = tg.reduceSum(tg.square(tg.sub(tg.matMul(x, w), 0.5)));
    return { x, w, train: step(w, loss), init: tg.globalVariablesInitializer() };
  });
  const sess = new tg.Session({ graph: g, backend });
  await sess.run(m.init);
  const out: number[][] = [];
  for (let i = 0; i < 5; i++) {
    await sess.run(m.train, { [m.x.name]: XS });
    out.push(Array.from((await sess.run(m.w.value())).data, Number));
  }
  if (backend === 'webgpu') expect(sess.lastPlacement.every((e) => e.device === '/device:GPU:0'), 'every op on the GPU').to.equal(true);
  return out;
}

/** The manual FTRL step with multiply_linear_by_lr (no optimizer class sets it). */
const ftrlByLr: Step = (w, loss) => {
  const [grad] = tg.gradients(loss, [w.value()]);
  const accum = new tg.Variable(tg.fill([4, 2], 0.1), { name: 'accum' });
  const linear = new tg.Variable(tg.zeros([4, 2]), { name: 'linear' });
  const s = (v: number): tg.Tensor => tg.constant(v);
  return applyFtrl(w.ref, accum.ref, linear.ref, grad!, { lr: s(0.2), l1: s(0.01), l2: s(0.05), lrPower: s(-0.5), l2Shrinkage: s(0.02) }, { multiplyLinearByLr: true });
};

const CASES: [string, Step][] = [
  ['ApplyAdadelta', (_w, loss) => new tg.train.AdadeltaOptimizer(1.0, { rho: 0.9, epsilon: 1e-6 }).minimize(loss)],
  ['ApplyFtrl (l1, l2)', (_w, loss) => new tg.train.FtrlOptimizer(0.3, { l1RegularizationStrength: 0.02, l2RegularizationStrength: 0.1 }).minimize(loss)],
  ['ApplyFtrl (lr_power -0.7, l1 large enough to zero weights)', (_w, loss) => new tg.train.FtrlOptimizer(0.3, { learningRatePower: -0.7, l1RegularizationStrength: 1.5 }).minimize(loss)],
  ['ApplyFtrlV2 (l2 shrinkage)', (_w, loss) => new tg.train.FtrlOptimizer(0.3, { l1RegularizationStrength: 0.01, l2ShrinkageRegularizationStrength: 0.05 }).minimize(loss)],
  ['ApplyFtrlV2 with multiply_linear_by_lr', ftrlByLr],
];

describe('webgpu optimizer kernels agree with the CPU', function () {
  this.timeout(120000);
  before(async function () {
    await requireAdapter(this);
  });

  for (const [name, step] of CASES) {
    it(`${name}: five steps give the CPU's weights`, async () => {
      const cpu = await trace(step, 'cpu');
      const gpu = await trace(step, 'webgpu');
      cpu.forEach((row, s) => row.forEach((v, i) => expect(Math.abs(v - gpu[s][i]), `step ${s} element ${i}: cpu ${v} webgpu ${gpu[s][i]}`).to.be.at.most(1e-4 * Math.max(1, Math.abs(v)))));
      expect(cpu[4]).to.not.deep.equal(cpu[0]);
    });
  }
});
