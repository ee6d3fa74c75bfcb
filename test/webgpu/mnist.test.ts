import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { batch, loadMnist } from '../../examples/mnist/data.js';
import { buildMnistGraph } from '../../examples/mnist/model.js';
import { requireAdapter } from './adapter.js';

const STEPS = 50;
const BATCH = 16;

/** The examples/mnist LeNet, seeded, trained STEPS Adam steps on real digits: the loss per step. */
async function lossCurve(backend: 'cpu' | 'webgpu'): Promise<number[]> {
  const { train } = loadMnist();
  const m = buildMnistGraph({ seed: 11, learningRate: 0.003 });
  const sess = new tg.Session({ graph: m.graph, backend });
  await sess.run(m.init);
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const b = batch(train, s * BATCH, BATCH);
    const feeds = { [m.images.name]: tg.NDArray.from(b.images, [BATCH, 784]), [m.labels.name]: tg.NDArray.from(b.labels, [BATCH], 'int32') };
    losses.push((await sess.run([m.loss, m.trainOp], feeds))[0].item());
  }
  if (backend === 'webgpu') {
    const conv = sess.lastPlacement.filter((e) => e.type.startsWith('Conv2D') || e.type === 'ApplyAdam');
    expect(conv.length).to.be.greaterThan(0);
    expect(conv.every((e) => e.device === '/device:GPU:0'), 'convolutions and updates on the GPU').to.equal(true);
  }
  sess.close();
  return losses;
}

describe('webgpu: a seeded MNIST LeNet training run matches the CPU', function () {
  this.timeout(300000);
  before(async function () {
    await requireAdapter(this);
  });

  it(`${STEPS} Adam steps on real digits give the CPU's losses (to float32 drift) and learn`, async () => {
    const cpu = await lossCurve('cpu');
    const gpu = await lossCurve('webgpu');
    cpu.forEach((v, i) => expect(Math.abs(v - gpu[i]), `step ${i}: cpu ${v} webgpu ${gpu[i]}`).to.be.at.most(1e-4 * Math.max(1, Math.abs(v))));
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(gpu.slice(-10))).to.be.below(mean(gpu.slice(0, 10)) * 0.8);
  });
});
