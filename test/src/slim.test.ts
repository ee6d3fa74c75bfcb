import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../src/index.js';

describe('argScope and tg.slim', () => {
  it('argScope gives layer calls defaults they do not set; nested scopes override; the scope ends with its function', () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      const x = tg.placeholder('float32', [1, 8, 8, 3], 'x');
      const [a, b, c, d] = tg.argScope([tg.layers.conv2d], { padding: 'same', strides: 2 }, () => {
        const a = tg.layers.conv2d(x, 4, 3, { name: 'a' });
        const b = tg.layers.conv2d(x, 4, 3, { name: 'b', padding: 'valid' });
        const c = tg.argScope([tg.layers.conv2d], { strides: 1 }, () => tg.layers.conv2d(x, 4, 3, { name: 'c' }));
        const d = tg.layers.dense(tg.layers.flatten(x), 2, { name: 'd' });
        return [a, b, c, d];
      });
      expect(a.shape).to.deep.equal([1, 4, 4, 4]);
      expect(b.shape).to.deep.equal([1, 3, 3, 4]);
      expect(c.shape).to.deep.equal([1, 8, 8, 4]);
      expect(d.shape).to.deep.equal([1, 2]);
      expect(tg.layers.conv2d(x, 4, 3, { name: 'e' }).shape).to.deep.equal([1, 6, 6, 4]);
      const plain = (t: tg.Tensor) => t;
      expect(() => tg.argScope([plain], {}, () => 0)).to.throw(tg.InvalidArgumentError, /plain does not take arg scope defaults/);
    });
  });

  it("the notes' Slim block: arg_scope([slim.conv2d], padding, weights initializer and regularizer) + repeat", () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      const inputs = tg.placeholder('float32', [null, 32, 32, 3], 'inputs');
      const net = tg.slim.argScope([tg.slim.conv2d], {
        padding: 'SAME',
        weightsInitializer: tg.truncatedNormalInitializer({ stddev: 0.01 }),
        weightsRegularizer: tg.slim.l2Regularizer(0.5),
      }, () => {
        let net = tg.slim.conv2d(inputs, 64, [11, 11], { scope: 'conv1' });
        net = tg.slim.conv2d(net, 128, [11, 11], { padding: 'VALID', scope: 'conv2' });
        return tg.slim.repeat(net, 3, (x, scope) => tg.slim.conv2d(x, 256, [3, 3], { scope }), 'conv3');
      });
      expect(net.shape).to.deep.equal([null, 22, 22, 256]);
      const names = tg.trainableVariables(g).map((v) => v.op.name);
      expect(names).to.deep.equal([
        'conv1/weights', 'conv1/biases', 'conv2/weights', 'conv2/biases',
        'conv3/conv3_1/weights', 'conv3/conv3_1/biases', 'conv3/conv3_2/weights', 'conv3/conv3_2/biases', 'conv3/conv3_3/weights', 'conv3/conv3_3/biases',
      ]);
      // one l2 regularisation loss per weights variable, as slim.l2_regularizer adds
      expect(g.getCollection(tg.GraphKeys.REGULARIZATION_LOSSES)).to.have.length(5);
      expect(g.getOperations().filter((o) => o.type === 'Relu')).to.have.length(5);
    });
  });

  it('slim.learning.train trains createTrainOp to numberOfSteps, logs, checkpoints, and resumes from logdir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-slim-'));
    try {
      const build = () => {
        const g = new tg.Graph();
        const t = g.asDefault(() => {
          const x = tg.constant([[1], [2], [3]]);
          const y = tg.constant([[2], [4], [6]]);
          const pred = tg.slim.fullyConnected(x, 1, { activationFn: null, scope: 'fc' });
          const loss = tg.losses.meanSquaredError(y, pred);
          return tg.slim.learning.createTrainOp(loss, new tg.train.GradientDescentOptimizer(0.05));
        });
        return t;
      };
      const lines: string[] = [];
      const first = await tg.slim.learning.train(build(), dir, { numberOfSteps: 20, logEveryNSteps: 10, log: (l) => lines.push(l) });
      expect(lines).to.have.length(2);
      expect(lines[0]).to.match(/^global step 1: loss = \d+\.\d{4}$/);
      expect(lines[1]).to.match(/^global step 11: loss = /);
      expect(tg.train.latestCheckpoint(dir)).to.equal(join(dir, 'model.ckpt-20'));
      const more: string[] = [];
      const second = await tg.slim.learning.train(build(), dir, { numberOfSteps: 40, logEveryNSteps: 10, log: (l) => more.push(l) });
      expect(more[0]).to.match(/^global step 21: /);
      expect(second).to.be.lessThan(first);
      expect(tg.train.latestCheckpoint(dir)).to.equal(join(dir, 'model.ckpt-40'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
