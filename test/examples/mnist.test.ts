import { expect } from 'chai';
import { checkFiniteLoss, trainMnist } from '../../examples/mnist/train.js';
import * as tg from '../../src/index.js';
import { loadMnist } from '../../examples/mnist/data.js';
import { TrainingLog } from '../../examples/mnist/tensorboard.js';
import { decodeGraphDef } from '../../serialization/graph_def.js';
import { compareWithOnnxRuntime, epochSaver, exportOnnx, freeze, restoreLatest } from '../../examples/mnist/artifacts.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

describe('examples/mnist', () => {
  it('loads 10,000 real digits split 8,000 / 2,000 without overlap', () => {
    const { train, test } = loadMnist();
    expect(train.count).to.equal(8000);
    expect(test.count).to.equal(2000);
    const counts = new Array<number>(10).fill(0);
    for (const l of test.labels) counts[l]++;
    expect(counts.every((c) => c > 150)).to.equal(true);
  });
  it('a short training run lowers the loss', async function () {
    this.timeout(120000);
    const { losses, session } = await trainMnist({ epochs: 1, limit: 1920, batchSize: 64, progress: false, log: () => undefined });
    session.close();
    const first = losses.slice(0, 3).reduce((a, b) => a + b, 0) / 3;
    const last = losses.slice(-3).reduce((a, b) => a + b, 0) / 3;
    expect(last).to.be.lessThan(first * 0.85);
  });
  it('is reproducible: the same seed gives the same loss curve', async function () {
    this.timeout(120000);
    const run = async () => {
      const r = await trainMnist({ epochs: 1, limit: 256, batchSize: 64, progress: false, log: () => undefined });
      r.session.close();
      return r.losses;
    };
    expect(await run()).to.deep.equal(await run());
  });
  it('saves (keeping 3), restores with unchanged accuracy, freezes, and ONNX Runtime agrees', async function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-mnist-'));
    const r = await trainMnist({ epochs: 5, limit: 64, batchSize: 64, progress: false, log: () => undefined, onEpochEnd: epochSaver(path.join(dir, 'ckpt')) });
    try {
      const ck = await restoreLatest(r.model, r.test, path.join(dir, 'ckpt'));
      expect(ck.checkpoint.endsWith('model-5')).to.equal(true);
      expect(ck.accuracy).to.equal(r.testAccuracy);
      const kept = fs.readdirSync(path.join(dir, 'ckpt')).filter((f) => f.endsWith('.index'));
      expect(kept).to.have.length(3);
      const frozen = freeze(r.session, r.model, path.join(dir, 'frozen.pb'));
      expect(frozen.node.some((n) => n.op === 'VariableV2')).to.equal(false);
      expect(fs.statSync(path.join(dir, 'frozen.pb')).size).to.be.greaterThan(100000);
      const onnx = exportOnnx(frozen, r.model, path.join(dir, 'mnist.onnx'));
      const cmp = await compareWithOnnxRuntime(onnx, r.session, r.model, r.test);
      expect(cmp.agree).to.equal(cmp.total);
      expect(cmp.maxAbsDiff).to.be.lessThan(1e-5);
    } finally {
      r.session.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('stops on a NaN loss naming the step', () => {
    expect(() => checkFiniteLoss(NaN, 17, 2)).to.throw(tg.InvalidArgumentError, 'Training diverged: the loss is NaN at step 17 (epoch 2); stopping.');
    expect(() => checkFiniteLoss(0.5, 1, 1)).to.not.throw();
  });
  it('logs TensorBoard events: the graph, loss/accuracy per step, weight histograms per epoch, input digits', async function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-mnist-tb-'));
    let log: TrainingLog | null = null;
    const r = await trainMnist({
      epochs: 2,
      limit: 128,
      batchSize: 64,
      progress: false,
      log: () => undefined,
      onStart: (m) => (log = new TrainingLog(path.join(dir, 'logs'), m)),
      onStep: (...a) => log!.onStep(...a),
      onEpochEnd: async (e, sess, m) => log!.onEpochEnd(e, sess, m),
    });
    try {
      log!.onTestAccuracy(r.testAccuracy);
      log!.close();
      const files = fs.readdirSync(path.join(dir, 'logs'));
      expect(files).to.have.length(1);
      expect(files[0]).to.match(/^events\.out\.tfevents\.\d{10}\./);
      // readEvents checks the TFRecord framing and both CRC-32Cs of every record
      const events = tg.summary.readEvents(path.join(dir, 'logs', files[0]));
      expect(events[0].file_version).to.equal('brain.Event:2');
      const graph = decodeGraphDef(events.find((e) => e.graph_def)!.graph_def!);
      expect(graph.node.map((n) => n.name)).to.include.members(['conv1/Conv2D', 'loss', 'images']);
      const scalars = (tag: string) => events.flatMap((e) => (e.summary?.value ?? []).filter((v) => v.tag === tag).map((v) => [e.step, v.simple_value]));
      expect(scalars('train/loss')).to.deep.equal(r.losses.map((l, i) => [i + 1, Math.fround(l)]));
      expect(scalars('train/accuracy')).to.have.length(4);
      expect(scalars('epoch/mean_loss').map(([s]) => s)).to.deep.equal([2, 4]);
      expect(scalars('epoch/mean_loss')[0][1]).to.equal(Math.fround((r.losses[0] + r.losses[1]) / 2));
      expect(scalars('epoch/mean_accuracy')).to.have.length(2);
      expect(scalars('test/accuracy')).to.deep.equal([[4, Math.fround(r.testAccuracy)]]);
      const histos = events.flatMap((e) => (e.summary?.value ?? []).filter((v) => v.histo));
      expect(histos.filter((v) => v.tag === 'weights/conv1/weights').map((v) => v.histo!.num)).to.deep.equal([200, 200]);
      expect(histos.map((v) => v.tag)).to.include('weights/fc2/biases');
      const images = events.flatMap((e) => (e.summary?.value ?? []).filter((v) => v.image));
      expect(images.map((v) => v.tag)).to.deep.equal(['train/input/image/0', 'train/input/image/1', 'train/input/image/2', 'train/input/image/3']);
      expect(images[0].image).to.deep.include({ height: 28, width: 28, colorspace: 1 });
    } finally {
      r.session.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
