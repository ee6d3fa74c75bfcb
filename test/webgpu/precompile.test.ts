import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { WebGpuBackend } from '../../runtime/webgpu/webgpu_backend.js';
import { requireAdapter } from './adapter.js';

/** A small conv net with a dense head, Adam, and a loss: most kernel families in one training step. */
function convNet(): { g: tg.Graph; x: tg.Tensor; y: tg.Tensor; loss: tg.Tensor; train: tg.Operation; init: tg.Operation } {
  const g = new tg.Graph();
  const m = g.asDefault(() => {
    tg.setRandomSeed(3);
    const x = tg.placeholder('float32', [null, 8, 8, 1], 'x');
    const y = tg.placeholder('float32', [null, 3], 'y');
    const k = new tg.Variable(tg.randomNormal([3, 3, 1, 4], { stddev: 0.3 }), { name: 'k' });
    const b = new tg.Variable(tg.zeros([4]), { name: 'b' });
    const conv = tg.nn.relu(tg.nn.biasAdd(tg.nn.conv2d(x, k, { strides: 1, padding: 'SAME' }), b));
    const pooled = tg.nn.maxPool(conv, { ksize: 2, strides: 2, padding: 'VALID' });
    const w = new tg.Variable(tg.randomNormal([64, 3], { stddev: 0.2 }), { name: 'w' });
    const logits = tg.matMul(tg.reshape(pooled, [-1, 64]), w);
    const loss = tg.reduceMean(tg.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
    const train = new tg.train.AdamOptimizer(0.01).minimize(loss);
    return { x, y, loss, train, init: tg.globalVariablesInitializer() };
  });
  return { g, ...m };
}

const X = tg.NDArray.from(new Float32Array(Array.from({ length: 4 * 64 }, (_v, i) => Math.sin(i * 0.37))), [4, 8, 8, 1]);
const Y = tg.NDArray.from([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]);

describe('webgpu: pipelines built when the plan is built (precompile)', function () {
  this.timeout(120000);
  before(async function () {
    await requireAdapter(this);
  });

  it('a training step builds every pipeline ahead: its runs compile none at launch', async () => {
    const m = convNet();
    const gpu = new WebGpuBackend();
    const sess = new tg.Session({ graph: m.g, backend: gpu });
    await sess.run(m.init);
    const before = gpu.pipelineStats;
    const feeds = { [m.x.name]: X, [m.y.name]: Y };
    const first = await sess.run([m.loss, m.train], feeds);
    const after = gpu.pipelineStats;
    expect(after.precompiled - before.precompiled, 'pipelines built ahead for the training plan').to.be.greaterThan(5);
    expect(after.builtAtLaunch, 'pipelines built by a launch').to.equal(before.builtAtLaunch);
    const second = await sess.run([m.loss, m.train], feeds);
    expect(gpu.pipelineStats).to.deep.equal(after);
    expect(second[0].data[0]).to.be.lessThan(first[0].data[0]);
    sess.close();
  });

  it('sess.precompile(fetches, feedShapes) builds the plan and its pipelines before the first run', async () => {
    const m = convNet();
    const gpu = new WebGpuBackend();
    const sess = new tg.Session({ graph: m.g, backend: gpu });
    const [report] = await sess.precompile([m.loss, m.train], { [m.x.name]: [4, 8, 8, 1], [m.y.name]: [4, 3] });
    expect(report.built).to.be.greaterThan(5);
    expect(report.built).to.equal(gpu.pipelineStats.precompiled);
    expect(sess.compiledPlanCount).to.equal(1);
    await sess.run(m.init);
    const afterInit = gpu.pipelineStats;
    await sess.run([m.loss, m.train], { [m.x.name]: X, [m.y.name]: Y });
    // the training run reused the precompiled plan and built no pipeline of its own
    expect(sess.compiledPlanCount).to.equal(2);
    expect(gpu.pipelineStats).to.deep.equal(afterInit);
    await expectReject(sess.precompile(m.loss, { [m.x.name]: [4, 8, 9, 1] }), /Cannot precompile with shape \[4,8,9,1\] for tensor 'x:0', which has shape \[\?,8,8,1\]/);
    sess.close();
  });

  it('a step whose dims are known only at run time compiles at its first launch', async () => {
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const x = tg.placeholder('float32', [6], 'x');
      const shape = tg.placeholder('int32', [2], 'shape');
      // the reshape's shape is a fed value: its output dims, and the elu's, are unknown at plan time
      const z = tg.nn.elu(tg.mul(tg.reshape(x, shape), 3));
      return { x, shape, z, doubled: tg.add(x, x) };
    });
    const gpu = new WebGpuBackend();
    const sess = new tg.Session({ graph: g, backend: gpu, optimizer: { disable: ['all'] } });
    const xs = tg.NDArray.from([1, -2, 3, -4, 5, -6]);
    const [report] = await sess.precompile([m.z, m.doubled], { [m.x.name]: [6], [m.shape.name]: [2] });
    expect(report.deferred, 'steps left to their first launch').to.be.greaterThan(0);
    expect(report.steps, 'steps stated ahead (x + x)').to.be.greaterThan(0);
    const [z] = await sess.run([m.z, m.doubled], { [m.x.name]: xs, [m.shape.name]: tg.NDArray.from(new Int32Array([2, 3]), [2]) });
    expect(z.shape).to.deep.equal([2, 3]);
    expect(Array.from(z.data).map((v) => Math.round(v * 1e4) / 1e4)).to.deep.equal([3, Math.round(Math.expm1(-6) * 1e4) / 1e4, 9, Math.round(Math.expm1(-12) * 1e4) / 1e4, 15, Math.round(Math.expm1(-18) * 1e4) / 1e4]);
    expect(gpu.pipelineStats.builtAtLaunch, 'the elu chain compiled at launch').to.be.greaterThan(0);
    sess.close();
  });

  it('precompile: false leaves every pipeline to its first launch', async () => {
    const m = convNet();
    const gpu = new WebGpuBackend();
    const sess = new tg.Session({ graph: m.g, backend: gpu, precompile: false });
    await sess.run(m.init);
    await sess.run([m.loss, m.train], { [m.x.name]: X, [m.y.name]: Y });
    expect(gpu.pipelineStats.precompiled).to.equal(0);
    expect(gpu.pipelineStats.builtAtLaunch).to.be.greaterThan(5);
    sess.close();
  });
});

async function expectReject(p: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect((e as Error).message).to.match(message);
    return;
  }
  expect.fail('expected a rejection');
}
