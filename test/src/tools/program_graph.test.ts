import { expect } from 'chai';
import * as tg from '../../../src/index.js';

describe('tg.tools.programToGraph, graphView and toHtml', () => {
  function model() {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 4], 'x');
      const h = tg.nameScope('dense', () => tg.nn.relu(tg.add(tg.matMul(x, tg.constant(tg.NDArray.zeros('float32', [4, 3]))), tg.constant([1, 2, 3]))));
      return { x, y: tg.identity(tg.mul(h, 2), 'y') };
    });
    return { g, ...t };
  }

  it('the optimised program as a Graph: one op per program node, fused nodes list their ops, feeds are placeholders', () => {
    const { g, x, y } = model();
    const { program, report } = tg.optimize(g, [y], { feeds: new Map([[x, [2, 4]]]) });
    const og = tg.tools.programToGraph(program);
    expect(og.numOps).to.equal(program.nodes.length + program.feeds.filter((f) => !program.nodes.includes(f.value.node)).length);
    expect(og.getOperationByName('x').type).to.equal('Placeholder');
    expect(report.fused.length).to.be.greaterThan(0);
    const fused = og.getOperations().filter((o) => Array.isArray(o.attrs._fused_ops));
    expect(fused.length).to.be.greaterThan(0);
    expect((fused[0].attrs._fused_ops as string[]).some((s) => s.startsWith('dense/MatMul (MatMul)'))).to.equal(true);
    // the unoptimised graph has no fused ops
    expect(tg.tools.graphView(g, 't').nodes.every((n) => n.fused.length === 0)).to.equal(true);
    const view = tg.tools.graphView(og, 'opt');
    expect(view.nodes.filter((n) => n.fused.length > 0)).to.have.length(fused.length);
    expect(view.edges.length).to.equal(og.getOperations().reduce((a, o) => a + o.inputs.length + o.controlInputs.length, 0));
  });

  it('toHtml: constants show their type, not their values; the data is JSON the page parses', () => {
    const { g } = model();
    const html = tg.tools.toHtml(g, { title: 'm' });
    const json = /<script type="application\/json" id="graph-data">([^<]*)<\/script>/.exec(html)![1];
    const view = JSON.parse(json) as tg.tools.GraphView;
    expect(view.nodes).to.have.length(g.numOps);
    const big = view.nodes.find((n) => n.type === 'Const' && n.outputs[0] === 'float32[4,3]')!;
    expect(big.attrs.find(([k]) => k === 'value')![1]).to.equal('float32[4,3]');
    const small = view.nodes.find((n) => n.type === 'Const' && n.outputs[0] === 'float32[3]')!;
    expect(small.attrs.find(([k]) => k === 'value')![1]).to.equal('float32[3] [1,2,3]');
  });
});
