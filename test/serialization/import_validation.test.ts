import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { makeOp } from '../../ops/builder.js';
import { ALL_OPS } from '../../ops/registry.js';
import { decodeMessage, encodeMessage, pb } from '../../serialization/codec.js';
import type { AttrValueObj, GraphDef, MetaGraphDef, NodeDef } from '../../serialization/types.js';
import { tempDir } from './fixtures.js';

/** Issue 10, finding 6: imports did not check node arity (a one-input Mul ran and gave NaN). */
const F = { type: 1 };
const node = (name: string, op: string, input: string[] = [], attr: Record<string, AttrValueObj> = {}): NodeDef => ({ name, op, input, attr });
const constF = (name: string, v = 2): NodeDef =>
  node(name, 'Const', [], { dtype: F, value: { tensor: { dtype: 1, tensor_shape: {}, float_val: [v] } } });
const ph = (name: string): NodeDef => node(name, 'Placeholder', [], { dtype: F, shape: { shape: { dim: [] } } });

function expectRefused(def: GraphDef, message: string | RegExp): void {
  const g = new tg.Graph();
  const f = () => tg.importGraphDef(tg.graphUtil.encodeGraphDef(def), { graph: g, source: 'm.pb' });
  if (typeof message === 'string') expect(f).to.throw(tg.InvalidArgumentError, message);
  else expect(f).to.throw(tg.InvalidArgumentError, message);
  expect(g.numOps, 'the graph is unchanged').to.equal(0);
}

describe('serialization/import_graph_def: every node checked against its op definition (issue 10)', () => {
  it('binary ops with one or three inputs are refused, naming node, op type and the inputs wanted', () => {
    expectRefused({ node: [constF('a'), node('m', 'Mul', ['a'], { T: F })] }, "m.pb: node 'm' (Mul): expects 2 data inputs (x, y), got 1");
    expectRefused({ node: [ph('p'), node('m', 'Mul', ['p'], { T: F })] }, "m.pb: node 'm' (Mul): expects 2 data inputs (x, y), got 1");
    expectRefused({ node: [constF('a'), node('m', 'Mul', ['a', 'a', 'a'], { T: F })] }, "m.pb: node 'm' (Mul): expects 2 data inputs (x, y), got 3");
    expectRefused({ node: [node('m', 'Mul', [], { T: F })] }, 'expects 2 data inputs (x, y), got 0');
    // control inputs do not count, and must come last
    expectRefused({ node: [constF('a'), node('n', 'NoOp'), node('m', 'Mul', ['a', '^n'], { T: F })] }, 'got 1');
    expectRefused({ node: [constF('a'), node('n', 'NoOp'), node('m', 'Mul', ['a', '^n', 'a'], { T: F })] }, "node 'm' (Mul): Non-control input after control input");
  });

  it('list inputs are counted by their number attr (AddN N, ConcatV2 N, Pack N)', async () => {
    const addN = (inputs: string[], n?: number) => ({ node: [constF('a'), node('s', 'AddN', inputs, n === undefined ? { T: F } : { T: F, N: { i: n } })] });
    expectRefused(addN(['a', 'a'], 3), "node 's' (AddN): expects 3 data inputs (inputs[N]), got 2");
    expectRefused(addN(['a', 'a', 'a'], 2), 'expects 2 data inputs');
    expectRefused(addN([], 0), /AddN/);
    expectRefused(addN([]), 'expects 1 data input (inputs[N]), got 0');
    expectRefused(addN(['a'], -1), "attr 'N' must be a count, got -1");
    const axis = node('ax', 'Const', [], { dtype: { type: 3 }, value: { tensor: { dtype: 3, tensor_shape: {}, int_val: [0] } } });
    expectRefused({ node: [constF('a'), axis, node('c', 'ConcatV2', ['a', 'a', 'ax'], { T: F, N: { i: 3 }, Tidx: { type: 3 } })] }, "node 'c' (ConcatV2): expects 4 data inputs (values[N], axis), got 3");
    expectRefused({ node: [constF('a'), node('k', 'Pack', ['a', 'a'], { T: F, N: { i: 1 }, axis: { i: 0 } })] }, "node 'k' (Pack): expects 1 data input (values[N]), got 2");
    // the counts that fit import and run
    const g = new tg.Graph();
    tg.importGraphDef({ node: [constF('a', 2), constF('b', 5), node('s', 'AddN', ['a', 'b', 'a'], { T: F, N: { i: 3 } })] }, { graph: g });
    expect((await new tg.Session({ graph: g }).run('s:0'))!.item()).to.equal(9);
  });

  it("an attr of the wrong AttrValue case is refused, naming node and attr: a string alpha, an int shape, an empty value", () => {
    const utf8 = new TextEncoder();
    const relu = (alpha: AttrValueObj) => ({ node: [ph('x'), node('r', 'LeakyRelu', ['x'], { T: F, alpha })] });
    expectRefused(relu({ s: utf8.encode('0.1') }), "node 'r' (LeakyRelu): attr 'alpha' must be a float, got a 's' value");
    expectRefused(relu({ i: 1 }), "attr 'alpha' must be a float, got a 'i' value");
    expectRefused(relu({ list: { f: [0.1] } }), "attr 'alpha' must be a float, got a 'list' value");
    expectRefused(relu({}), "attr 'alpha' must be a float, got no value set");
    expectRefused({ node: [ph('x'), node('r', 'Relu', ['x'], { T: { s: utf8.encode('float32') } })] }, "node 'r' (Relu): attr 'T' must be a type, got a 's' value");
    expectRefused({ node: [ph('x'), node('s', 'Squeeze', ['x'], { T: F, squeeze_dims: { list: { f: [0.5] } } })] }, "attr 'squeeze_dims' must be a list(int), got a list of 'f' values");
    expectRefused({ node: [node('p', 'Placeholder', [], { dtype: F, shape: { i: 3 } })] }, "node 'p' (Placeholder): attr 'shape' must be a shape, got a 'i' value");
  });

  it('an attr the op does not define is refused (TF: NodeDef mentions attr not in Op)', () => {
    expectRefused({ node: [ph('x'), node('r', 'Relu', ['x'], { T: F, alpha: { f: 0.1 } })] }, "m.pb: node 'r' (Relu): NodeDef mentions attr 'alpha' not in Op<name=Relu>");
    // attrs named like Object.prototype members are attrs like any other; '_'-prefixed ones
    // ('__proto__' included) are TF's internal annotations, dropped unread as TF does
    const parse = (key: string) => JSON.parse(`{"node": [{"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": 1}}},
      {"name": "r", "op": "Relu", "input": ["x"], "attr": {"T": {"type": 1}, "${key}": {"f": 0.5}}}]}`) as GraphDef;
    const g = new tg.Graph();
    for (const key of ['constructor', 'toString', 'hasOwnProperty']) {
      expect(() => tg.importGraphDef(parse(key), { graph: g, source: 'j.json' })).to.throw(tg.InvalidArgumentError, `j.json: node 'r' (Relu): NodeDef mentions attr '${key}' not in Op<name=Relu>`);
      expect(g.numOps).to.equal(0);
    }
    tg.importGraphDef(parse('__proto__'), { graph: g, source: 'j.json' });
    const r = g.getOperationByName('r');
    expect(Object.keys(r.attrs)).to.deep.equal([]);
    expect(Object.getPrototypeOf(r.attrs)).to.equal(Object.prototype);
  });

  it('the builder checks arity too, for every path that creates ops', () => {
    const g = new tg.Graph();
    const x = g.asDefault(() => tg.placeholder('float32', [2], 'x'));
    const def = (type: string) => ALL_OPS.find((d) => d.type === type)!;
    expect(() => makeOp(def('Mul'), [x], {}, { graph: g, name: 'm' })).to.throw(tg.InvalidArgumentError, "Mul 'm': expects 2 inputs (x, y), got 1");
    expect(() => makeOp(def('Mul'), [x, x, x], {}, { graph: g, name: 'm' })).to.throw(tg.InvalidArgumentError, "Mul 'm': expects 2 inputs (x, y), got 3");
    expect(() => makeOp(def('AddN'), [x, x], { N: 3 }, { graph: g, name: 's' })).to.throw(tg.InvalidArgumentError, "AddN 's': expects 3 inputs (inputs[N]), got 2");
    expect(() => makeOp(def('AddN'), [], {}, { graph: g, name: 's' })).to.throw(tg.InvalidArgumentError, "AddN 's': expects 1 input (inputs[N]), got 0");
    expect(makeOp(def('AddN'), [x, x, x], { N: 3 }, { graph: g }).outputs[0].shape).to.deep.equal([2]);
  });

  it('malformed NodeDef objects are typed errors, not TypeErrors', () => {
    const bad: unknown[] = [
      { node: [{ name: 'a', op: 'NoOp', input: 'x' }] },
      { node: [{ name: 'a', op: 'NoOp', input: [1] }] },
      { node: [{ name: 'a', op: 'NoOp', attr: 5 }] },
      { node: [{ name: 'a', op: 'Relu', input: [], attr: { T: null } }] },
      { node: [null] },
      { node: [{ name: 'a' }] },
      { node: 'a' },
    ];
    for (const def of bad) expect(() => tg.importGraphDef(def as GraphDef, { graph: new tg.Graph() }), JSON.stringify(def)).to.throw(tg.TensorGraphError);
  });

  it('a .meta whose variables collection is a node_list is an InvalidArgumentError, not a TypeError (found by the import fuzz)', async () => {
    const g = new tg.Graph();
    g.asDefault(() => new tg.Variable(tg.NDArray.from([1, 2]), { name: 'W' }));
    const dir = tempDir('meta-col');
    const sess = new tg.Session({ graph: g });
    await sess.run(tg.globalVariablesInitializer(g));
    const prefix = await new tg.train.Saver({ graph: g }).save(sess, join(dir, 'm'));
    const decoded = decodeMessage<MetaGraphDef>(pb.MetaGraphDef, readFileSync(`${prefix}.meta`), 'meta');
    for (const key of ['variables', 'trainable_variables']) {
      writeFileSync(`${prefix}.meta`, encodeMessage(pb.MetaGraphDef, { ...decoded, collection_def: { ...decoded.collection_def, [key]: { node_list: { value: ['W'] } } } }));
      const target = new tg.Graph();
      expect(() => tg.train.importMetaGraph(`${prefix}.meta`, { graph: target })).to.throw(tg.InvalidArgumentError, `collection '${key}' must hold VariableDefs (a bytes_list), not a node_list`);
      expect(target.numOps, 'refused before the graph is touched').to.equal(0);
    }
  });
});
