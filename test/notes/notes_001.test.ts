/**
 * The TF1 programs of note 001 (shared/seeds/001…) ported: fetch of a subgraph, tf.device,
 * linear regression with GradientDescentOptimizer(0.2), Saver(max_to_keep=4,
 * keep_checkpoint_every_n_hours=2) + latest_checkpoint + restore, PB freezing, the Slim block
 * (arg_scope + repeat + learning.train) and the convolution kinds.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { oracle, randomData } from '../util/oracle.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tg-note001-'));
}

describe('notes 001: TF1 programs as the note writes them', function () {
  this.timeout(60_000);
  beforeEach(() => tg.resetDefaultGraph());

  it('linear regression: loss = reduce_mean(square(real_label - y_label)); GradientDescentOptimizer(0.2).minimize(loss)', async () => {
    const { x, realLabel, w, b, loss, train } = tg.device('/cpu:0', () => {
      const x = tg.placeholder('float32', [null, 1], 'x');
      const realLabel = tg.placeholder('float32', [null, 1], 'real_label');
      const w = new tg.Variable(tg.randomNormal([1, 1], { seed: 1 }), { name: 'w' });
      const b = new tg.Variable(tg.zeros([1]), { name: 'b' });
      const yLabel = tg.add(tg.matMul(x, w), b);
      const loss = tg.reduceMean(tg.square(tg.sub(realLabel, yLabel)));
      const train = new tg.train.GradientDescentOptimizer(0.2).minimize(loss);
      return { x, realLabel, w, b, loss, train };
    });
    const xs = [[0], [0.25], [0.5], [0.75], [1]];
    const ys = xs.map(([v]) => [3 * v + 1]);
    const sess = new tg.Session();
    await sess.run(tg.globalVariablesInitializer());
    const feeds = new Map<tg.Tensor, tg.FeedValue>([[x, xs], [realLabel, ys]]);
    for (let i = 0; i < 500; i++) await sess.run(train, feeds);
    expect((await sess.run(w.value())).item()).to.be.closeTo(3, 1e-3);
    expect((await sess.run(b.value())).item()).to.be.closeTo(1, 1e-3);
    expect((await sess.run(loss, feeds)).item()).to.be.lessThan(1e-6);
    // only the fetched subgraph runs: the loss alone needs no training step and changes nothing
    expect((await sess.run(w.value())).item()).to.be.closeTo(3, 1e-3);
  });

  it('Saver(max_to_keep=4, keep_checkpoint_every_n_hours=2): the files, the checkpoint file, restore(latest_checkpoint)', async () => {
    const dir = tempDir();
    try {
      const v = new tg.Variable(tg.constant([1, 2]), { name: 'v' });
      const step = tg.train.getOrCreateGlobalStep();
      const bump = tg.group([v.assignAdd(tg.constant([1, 1])), step.assignAdd(1)]);
      const saver = new tg.train.Saver({ maxToKeep: 4, keepCheckpointEveryNHours: 2 });
      const sess = new tg.Session();
      await sess.run(tg.globalVariablesInitializer());
      for (let i = 1; i <= 6; i++) {
        await sess.run(bump);
        await saver.save(sess, join(dir, 'model.ckpt'), { globalStep: step });
      }
      const files = readdirSync(dir).sort();
      expect(files.filter((f) => f.endsWith('.index'))).to.deep.equal(['model.ckpt-3.index', 'model.ckpt-4.index', 'model.ckpt-5.index', 'model.ckpt-6.index']);
      expect(files).to.include.members(['checkpoint', 'model.ckpt-6.meta', 'model.ckpt-6.data-00000-of-00001']);
      const state = readFileSync(join(dir, 'checkpoint'), 'utf8');
      expect(state).to.contain('model_checkpoint_path: "');
      expect(state.match(/all_model_checkpoint_paths/g)).to.have.length(4);
      // "repeat the graph as the default graph" and restore the latest
      tg.resetDefaultGraph();
      const v2 = new tg.Variable(tg.constant([0, 0]), { name: 'v' });
      tg.train.getOrCreateGlobalStep();
      const sess2 = new tg.Session();
      await new tg.train.Saver().restore(sess2, tg.train.latestCheckpoint(dir)!);
      expect((await sess2.run(v2.value())).toArray()).to.deep.equal([7, 8]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("PB freezing: convert_variables_to_constants(sess, sess.graph_def, ['op_to_store']), written and read back", async () => {
    const dir = tempDir();
    try {
      const x = tg.placeholder('float32', [null, 2], 'x');
      const w = new tg.Variable(tg.constant([[1], [2]]), { name: 'w' });
      tg.add(tg.matMul(x, w), 1, 'op_to_store');
      const sess = new tg.Session();
      await sess.run(tg.globalVariablesInitializer());
      const constantGraph = tg.graphUtil.convertVariablesToConstants(sess, sess.graph.toGraphDef(), ['op_to_store']);
      expect(constantGraph.node.some((n) => n.op === 'VariableV2')).to.equal(false);
      writeFileSync(join(dir, 'pbplus.pb'), tg.graphUtil.encodeGraphDef(constantGraph));
      const g = new tg.Graph();
      tg.importGraphDef(readFileSync(join(dir, 'pbplus.pb')), { graph: g });
      const out = await new tg.Session({ graph: g }).run('op_to_store:0', { 'x:0': [[3, 4]] });
      expect(out!.toArray()).to.deep.equal([[12]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('TF-Slim: arg_scope([slim.conv2d], ...) + repeat, then create_train_op and learning.train(number_of_steps)', async () => {
    const dir = tempDir();
    try {
      const inputs = tg.constant(tg.NDArray.from(randomData(2 * 8 * 8 * 3, 4), [2, 8, 8, 3]));
      const labels = tg.constant([[1, 0], [0, 1]]);
      const net = tg.slim.argScope([tg.slim.conv2d], {
        padding: 'SAME',
        weightsInitializer: tg.truncatedNormalInitializer({ stddev: 0.01, seed: 1 }),
        weightsRegularizer: tg.slim.l2Regularizer(0.0005),
      }, () => {
        let net = tg.slim.conv2d(inputs, 4, [3, 3], { scope: 'conv1' });
        net = tg.slim.repeat(net, 2, (n, scope) => tg.slim.conv2d(n, 4, [3, 3], { scope }), 'conv2');
        // the logits layer is seeded too: with unseeded weights an unlucky draw left the loss at ln 2
        return tg.slim.fullyConnected(tg.reshape(net, [2, -1]), 2, { activationFn: null, scope: 'logits', weightsInitializer: tg.truncatedNormalInitializer({ stddev: 0.1, seed: 2 }) });
      });
      const loss = tg.reduceMean(tg.nn.softmaxCrossEntropyWithLogits({ labels, logits: net }));
      const trainOp = tg.slim.learning.createTrainOp(loss, new tg.train.AdamOptimizer({ learningRate: 0.01 }));
      const lines: string[] = [];
      const last = await tg.slim.learning.train(trainOp, dir, { numberOfSteps: 30, logEveryNSteps: 10, log: (l) => lines.push(l) });
      expect(lines.map((l) => l.split(':')[0])).to.deep.equal(['global step 1', 'global step 11', 'global step 21']);
      expect(last).to.be.lessThan(Number(/loss = (\S+)/.exec(lines[0])![1]));
      expect(tg.train.latestCheckpoint(dir)).to.equal(join(dir, 'model.ckpt-30'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('convolution kinds: grouped, depthwise, pointwise, dilated and transposed agree with tfjs', async () => {
    const tf = await oracle();
    const xData = randomData(1 * 7 * 7 * 4, 21);
    const x = tg.constant(tg.NDArray.from(xData, [1, 7, 7, 4]));
    const xr = tf.tensor4d(xData, [1, 7, 7, 4]);
    const filt = (shape: number[], seed: number) => [tg.constant(tg.NDArray.from(randomData(shape.reduce((a, b) => a * b, 1), seed), shape)), tf.tensor4d(randomData(shape.reduce((a, b) => a * b, 1), seed), shape as [number, number, number, number])] as const;
    const sess = new tg.Session();
    const close = async (t: tg.Tensor, ref: { dataSync(): ArrayLike<number>; shape: number[] }) => {
      const out = await sess.run(t);
      expect(out.shape).to.deep.equal(ref.shape);
      const r = ref.dataSync();
      for (let i = 0; i < r.length; i++) expect(out.data[i]).to.be.closeTo(r[i], 1e-4);
    };
    // pointwise: a 1x1 convolution
    const [pw, pwr] = filt([1, 1, 4, 6], 22);
    await close(tg.nn.conv2d(x, pw, { strides: [1, 1, 1, 1], padding: 'VALID' }), tf.conv2d(xr, pwr, 1, 'valid'));
    // dilated: rate 2
    const [dl, dlr] = filt([3, 3, 4, 2], 23);
    await close(tg.nn.conv2d(x, dl, { strides: [1, 1, 1, 1], padding: 'SAME', dilations: [1, 2, 2, 1] }), tf.conv2d(xr, dlr, 1, 'same', 'NHWC', 2));
    // depthwise: one filter per channel, multiplier 2
    const [dw, dwr] = filt([3, 3, 4, 2], 24);
    await close(tg.nn.depthwiseConv2d(x, dw, { strides: [1, 1, 1, 1], padding: 'SAME' }), tf.depthwiseConv2d(xr, dwr, 1, 'same'));
    // transposed: stride 2 up-sampling to 14x14
    const [tr, trr] = filt([3, 3, 5, 4], 25);
    await close(tg.nn.conv2dTranspose(x, tr, [1, 14, 14, 5], { strides: [1, 2, 2, 1], padding: 'SAME' }), tf.conv2dTranspose(xr, trr, [1, 14, 14, 5], 2, 'same'));
    // grouped: 2 groups of 2 channels = two convolutions over the channel halves, concatenated
    const [gr] = filt([3, 3, 2, 6], 26);
    const grData = randomData(3 * 3 * 2 * 6, 26);
    const halves = [0, 1].map((k) => {
      const xs = tf.slice(xr, [0, 0, 0, 2 * k], [1, 7, 7, 2]);
      const f = tf.slice(tf.tensor4d(grData, [3, 3, 2, 6]), [0, 0, 0, 3 * k], [3, 3, 2, 3]);
      return tf.conv2d(xs, f, 1, 'same');
    });
    await close(tg.nn.conv2d(x, gr, { strides: [1, 1, 1, 1], padding: 'SAME' }), tf.concat(halves, 3));
  });
});
