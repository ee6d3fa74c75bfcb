import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { eliminateIdentities, pruneDeadNodes, reads, sortNodes } from '../../../serialization/onnx/graph_cleanup.js';
import type { OnnxGraph, OnnxNode } from '../../../serialization/onnx/ir.js';

const node = (name: string, opType: string, inputs: string[], outputs: string[], attrs: OnnxNode['attrs'] = {}): OnnxNode => ({ name, opType, inputs, outputs, attrs });
const graph = (nodes: OnnxNode[], outputs: string[], initializers: string[] = []): OnnxGraph => ({
  nodes,
  initializers: new Map(initializers.map((n) => [n, tg.NDArray.from(1)])),
  inputs: [],
  outputs: outputs.map((name) => ({ name, dtype: 'float32', shape: [] })),
});

/** An If whose then-branch reads the outer `id` (an Identity of x) and the outer initializer `c`, listed before what it reads. */
function withIf(): { g: OnnxGraph; then: OnnxGraph } {
  const then = graph([node('t', 'Add', ['id', 'c'], ['t_out'])], ['t_out']);
  const els = graph([node('e', 'Neg', ['x'], ['e_out'])], ['e_out']);
  const g = graph(
    [node('if', 'If', ['p'], ['y'], { then_branch: { graph: then }, else_branch: { graph: els } }), node('id', 'Identity', ['x'], ['id']), node('dead', 'Neg', ['x'], ['unused'])],
    ['y'],
    ['c', 'c_unused'],
  );
  g.inputs.push({ name: 'x', dtype: 'float32', shape: [] }, { name: 'p', dtype: 'bool', shape: [] });
  return { g, then };
}

describe('serialization/onnx: cleanup passes see subgraph reads of outer values', () => {
  it('reads() lists what a node\'s subgraphs read from outside', () => {
    expect(reads(withIf().g.nodes[0]).sort()).to.deep.equal(['c', 'id', 'p', 'x']);
  });

  it('an eliminated Identity is renamed inside subgraphs; prune keeps what only a branch reads; sort puts producers first', () => {
    const { g, then } = withIf();
    eliminateIdentities(g);
    expect(then.nodes[0].inputs).to.deep.equal(['x', 'c']);
    pruneDeadNodes(g);
    expect(g.nodes.map((n) => n.name)).to.deep.equal(['if']);
    expect([...g.initializers.keys()]).to.deep.equal(['c']);
    const { g: g2 } = withIf();
    sortNodes(g2);
    expect(g2.nodes.map((n) => n.name).indexOf('id')).to.be.below(g2.nodes.map((n) => n.name).indexOf('if'));
  });

  it('sortNodes refuses a subgraph reading a name no scope defines', () => {
    const { g, then } = withIf();
    then.nodes[0].inputs = ['nowhere', 'c'];
    expect(() => sortNodes(g)).to.throw(/reads 'nowhere', which nothing defines/);
  });
});
