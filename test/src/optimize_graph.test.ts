import { expect } from 'chai';
import * as tg from '../../src/index.js';

describe('tg.optimize: the optimised program as a Graph', () => {
  function dense() {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 4], 'x');
      const w = tg.constant(new Float32Array(12).fill(0.5), { shape: [4, 3], name: 'w' });
      const b = tg.constant([0.1, 0.2, 0.3], { name: 'b' });
      const h = tg.nn.relu(tg.nn.biasAdd(tg.matMul(x, w), b), 'h');
      // a separate elementwise chain over the input, fused on its own
      const e = tg.mul(tg.sigmoid(tg.add(x, 1)), 2, 'e');
      return { x, y: tg.concat([h, e], 1, 'y') };
    });
    return { g, ...t };
  }

  it('holds fused nodes as ops: TF _FusedMatMul with fused_ops where it fits, FusedElementwise with its expression', () => {
    const { g, x, y } = dense();
    const { graph, program } = tg.optimize(g, y, { feeds: new Map([[x, [2, 4]]]) });
    const types = graph.getOperations().map((o) => o.type);
    expect(types).to.include('_FusedMatMul');
    expect(types).to.include('FusedElementwise');
    expect(types).to.not.include('MatMul');
    expect(graph.getOperations()).to.have.length(program.nodes.length + program.feeds.length);
    const mm = graph.getOperations().find((o) => o.type === '_FusedMatMul')!;
    expect(mm.attrs.fused_ops).to.deep.equal(['BiasAdd', 'Relu']);
    expect(mm.attrs.num_args).to.equal(1);
    expect(mm.attrs.epilogue).to.equal(undefined);
    const fe = graph.getOperations().find((o) => o.type === 'FusedElementwise')!;
    expect(String(fe.attrs.expr)).to.match(/sigmoid/);
    // the fed tensor is a placeholder of the fed shape
    const ph = graph.getOperationByName('x');
    expect(ph.type).to.equal('Placeholder');
    expect(ph.outputs[0].shape).to.deep.equal([2, 4]);
  });

  it('exports with toGraphDef and draws with toDot, and leaves the user graph as it was', () => {
    const { g, x, y } = dense();
    const before = g.getOperations().length;
    const { graph } = tg.optimize(g, y, { feeds: new Map([[x, [2, 4]]]) });
    const def = graph.toGraphDef();
    expect(def.node!.map((n) => n.op)).to.include('_FusedMatMul');
    const fe = def.node!.find((n) => n.op === 'FusedElementwise')!;
    expect(fe.attr).to.have.property('expr');
    expect(tg.tools.toDot(graph)).to.include('_FusedMatMul');
    expect(g.getOperations()).to.have.length(before);
  });

  it('an epilogue TF cannot express keeps our expression', () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [2, 4], 'x');
      const w = tg.constant(new Float32Array(12).fill(0.5), { shape: [4, 3] });
      return { x, y: tg.exp(tg.mul(tg.matMul(x, w), 3)) };
    });
    const { graph } = tg.optimize(g, y, { feeds: [x] });
    const mm = graph.getOperations().find((o) => o.type === '_FusedMatMul')!;
    expect(mm.attrs.fused_ops).to.deep.equal(['Mul', 'Exp']);
    expect(String(mm.attrs.epilogue)).to.match(/exp/);
  });
});
