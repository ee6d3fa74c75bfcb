import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { buildVgg16 } from '../../../examples/vgg16/model.js';
import { buildMnistGraph } from '../../../examples/mnist/model.js';

describe('tg.tools.summary', () => {
  it('VGG16: one row per layer scope with the hand-counted parameters, 138,357,544 in total', () => {
    const g = new tg.Graph();
    const { rows } = g.asDefault(() => buildVgg16(tg.placeholder('float32', [null, 224, 224, 3], 'images')));
    const s = tg.tools.summary(g);
    for (const r of rows) {
      const row = s.rows.find((x) => x.name === r.name);
      expect(row, r.name).to.not.equal(undefined);
      expect(row!.params, r.name).to.equal(r.params);
    }
    expect(s.rows.find((r) => r.name === 'conv1_1')!.ops).to.equal('Conv2D+BiasAdd+Relu');
    expect(s.rows.find((r) => r.name === 'conv1_1')!.outputShape).to.deep.equal([null, 224, 224, 64]);
    expect(s.totalParams).to.equal(138357544);
    expect(s.trainableParams).to.equal(138357544);
    const lines = s.text.split('\n');
    expect(lines[1]).to.match(/^Scope \/ op\s+Ops\s+Output shape\s+Param #$/);
    expect(s.text).to.match(/conv1_1\s+Conv2D\+BiasAdd\+Relu\s+\[\?,224,224,64\]\s+1,792\n/);
    expect(s.text).to.contain('Total params: 138,357,544');
  });

  it('a training graph lists the same rows as its model: gradients and Adam slots are not parameters', () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 3], 'x');
      const h = tg.variableScope('dense', () => tg.matMul(x, tg.getVariable('w', { shape: [3, 2] })));
      const loss = tg.reduceMean(tg.square(h), undefined, false, 'loss');
      new tg.train.AdamOptimizer({ learningRate: 0.1 }).minimize(loss);
    });
    const s = tg.tools.summary(g);
    expect(s.rows.map((r) => r.name)).to.deep.equal(['x', 'dense', 'Square', 'loss']);
    expect(s.totalParams).to.equal(6);
    expect(s.hiddenOps).to.be.greaterThan(5);
    expect(s.text).to.contain('ops not listed: gradients');
  });

  it('a frozen graph counts its float constants as parameters', () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 2], 'x');
      tg.nameScope('fc', () => tg.add(tg.matMul(x, tg.constant([[1, 2], [3, 4]])), tg.constant([1, 1])));
    });
    const s = tg.tools.summary(g);
    expect(s.rows.find((r) => r.name === 'fc')).to.deep.include({ ops: 'MatMul+Add', params: 6 });
  });

  it('an imported frozen graph lists its layers in data-flow order, whatever order the file has', async () => {
    const m = buildMnistGraph({ seed: 1 });
    const sess = new tg.Session({ graph: m.graph });
    await sess.run(m.init);
    const frozen = tg.graphUtil.convertVariablesToConstants(sess, m.graph.toGraphDef(), [m.probs.op.name]);
    sess.close();
    const g = new tg.Graph();
    tg.importGraphDef({ ...frozen, node: [...frozen.node].reverse() }, { graph: g });
    const s = tg.tools.summary(g);
    expect(s.rows.map((r) => r.name)).to.deep.equal(['images', 'input', 'conv1', 'conv2', 'flatten', 'fc1', 'Relu', 'fc2', 'probs']);
    expect(s.totalParams).to.equal(208 + 3216 + 100480 + 1290);
  });
});
