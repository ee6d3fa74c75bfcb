import { expect } from 'chai';
import onnxProto from 'onnx-proto';
import * as tg from '../../src/index.js';
import { runOrt } from '../serialization/onnx/helpers.js';

/**
 * tf.while_loop(lambda i, s: i < 10, lambda i, s: (i + 1, s + i), [0, 0]) and a tf.cond, as TF 1.15
 * writes them into a GraphDef (node names, inputs, control edges and attrs in TF's shape; the
 * `_class` annotations TF adds are kept to show they are ignored).
 */
const TF_WHILE = `
node { name: "Const" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 0 } } } }
node { name: "Const_1" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 0 } } } }
node { name: "while/Enter" op: "Enter" input: "Const" attr { key: "T" value { type: DT_INT32 } } attr { key: "frame_name" value { s: "while/while_context" } } attr { key: "is_constant" value { b: false } } attr { key: "parallel_iterations" value { i: 10 } } }
node { name: "while/Enter_1" op: "Enter" input: "Const_1" attr { key: "T" value { type: DT_INT32 } } attr { key: "frame_name" value { s: "while/while_context" } } attr { key: "is_constant" value { b: false } } attr { key: "parallel_iterations" value { i: 10 } } }
node { name: "while/Merge" op: "Merge" input: "while/Enter" input: "while/NextIteration" attr { key: "N" value { i: 2 } } attr { key: "T" value { type: DT_INT32 } } }
node { name: "while/Merge_1" op: "Merge" input: "while/Enter_1" input: "while/NextIteration_1" attr { key: "N" value { i: 2 } } attr { key: "T" value { type: DT_INT32 } } }
node { name: "while/Less/y" op: "Const" input: "^while/Merge" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 10 } } } }
node { name: "while/Less" op: "Less" input: "while/Merge" input: "while/Less/y" attr { key: "T" value { type: DT_INT32 } } }
node { name: "while/LoopCond" op: "LoopCond" input: "while/Less" }
node { name: "while/Switch" op: "Switch" input: "while/Merge" input: "while/LoopCond" attr { key: "T" value { type: DT_INT32 } } attr { key: "_class" value { list { s: "loc:@while/Merge" } } } }
node { name: "while/Switch_1" op: "Switch" input: "while/Merge_1" input: "while/LoopCond" attr { key: "T" value { type: DT_INT32 } } attr { key: "_class" value { list { s: "loc:@while/Merge_1" } } } }
node { name: "while/Identity" op: "Identity" input: "while/Switch:1" attr { key: "T" value { type: DT_INT32 } } }
node { name: "while/Identity_1" op: "Identity" input: "while/Switch_1:1" attr { key: "T" value { type: DT_INT32 } } }
node { name: "while/add/y" op: "Const" input: "^while/Identity" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 1 } } } }
node { name: "while/add" op: "AddV2" input: "while/Identity" input: "while/add/y" attr { key: "T" value { type: DT_INT32 } } }
node { name: "while/add_1" op: "AddV2" input: "while/Identity_1" input: "while/Identity" attr { key: "T" value { type: DT_INT32 } } }
node { name: "while/NextIteration" op: "NextIteration" input: "while/add" attr { key: "T" value { type: DT_INT32 } } }
node { name: "while/NextIteration_1" op: "NextIteration" input: "while/add_1" attr { key: "T" value { type: DT_INT32 } } }
node { name: "while/Exit" op: "Exit" input: "while/Switch" attr { key: "T" value { type: DT_INT32 } } }
node { name: "while/Exit_1" op: "Exit" input: "while/Switch_1" attr { key: "T" value { type: DT_INT32 } } }
node { name: "p" op: "Placeholder" attr { key: "dtype" value { type: DT_BOOL } } attr { key: "shape" value { shape { } } } }
node { name: "cond/Switch" op: "Switch" input: "p" input: "p" attr { key: "T" value { type: DT_BOOL } } }
node { name: "cond/switch_t" op: "Identity" input: "cond/Switch:1" attr { key: "T" value { type: DT_BOOL } } }
node { name: "cond/switch_f" op: "Identity" input: "cond/Switch" attr { key: "T" value { type: DT_BOOL } } }
node { name: "cond/pred_id" op: "Identity" input: "p" attr { key: "T" value { type: DT_BOOL } } }
node { name: "cond/mul/Switch" op: "Switch" input: "while/Exit_1" input: "cond/pred_id" attr { key: "T" value { type: DT_INT32 } } }
node { name: "cond/mul/y" op: "Const" input: "^cond/switch_t" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 2 } } } }
node { name: "cond/mul" op: "Mul" input: "cond/mul/Switch:1" input: "cond/mul/y" attr { key: "T" value { type: DT_INT32 } } }
node { name: "cond/Neg/Switch" op: "Switch" input: "while/Exit_1" input: "cond/pred_id" attr { key: "T" value { type: DT_INT32 } } }
node { name: "cond/Neg" op: "Neg" input: "cond/Neg/Switch" attr { key: "T" value { type: DT_INT32 } } }
node { name: "cond/Merge" op: "Merge" input: "cond/Neg" input: "cond/mul" attr { key: "N" value { i: 2 } } attr { key: "T" value { type: DT_INT32 } } }
versions { producer: 134 }
`;

async function fetchAll(g: tg.Graph, names: string[], feeds?: tg.Feeds): Promise<unknown[]> {
  const sess = new tg.Session({ graph: g });
  const r = (await sess.run(names, feeds)) as tg.NDArray[];
  sess.close();
  return r.map((x) => x.toArray());
}

describe('control flow: GraphDef import, export and freezing', () => {
  it('imports and runs a while loop and a cond in the shape TF1 writes them, then re-exports them', async () => {
    const g = new tg.Graph();
    tg.importGraphDef(tg.graphUtil.parseGraphDefText(TF_WHILE, 'tf_while.pbtxt'), { graph: g });
    expect(g.getOperationByName('while/Merge').inputs.map((t) => t.name)).to.deep.equal(['while/Enter:0', 'while/NextIteration:0']);
    expect(await fetchAll(g, ['while/Exit:0', 'while/Exit_1:0', 'cond/Merge:0'], { 'p:0': true })).to.deep.equal([10, 45, 90]);
    expect(await fetchAll(g, ['cond/Merge:0', 'cond/Merge:1'], { 'p:0': false })).to.deep.equal([-45, 0]);
    // our export writes the same loop: import it again and run it
    const bytes = tg.graphUtil.encodeGraphDef(g.toGraphDef());
    const back = tg.graphUtil.decodeGraphDef(bytes);
    const merge = back.node.find((n) => n.name === 'while/Merge')!;
    expect(merge.input).to.deep.equal(['while/Enter', 'while/NextIteration']);
    expect(merge.attr!.N).to.deep.equal({ i: 2 });
    const g2 = new tg.Graph();
    tg.importGraphDef(bytes, { graph: g2 });
    expect(await fetchAll(g2, ['while/Exit_1:0', 'cond/Merge:0'], { 'p:0': true })).to.deep.equal([45, 90]);
  });

  it('round-trips tg.cond and tg.whileLoop through our exporter, and freezes a loop that reads a variable', async () => {
    const g = new tg.Graph();
    const sess = g.asDefault(() => {
      const x = tg.placeholder('float32', [2], 'x');
      const w = new tg.Variable(tg.constant([0.5, 2]), { name: 'w' });
      const [, y] = tg.whileLoop((i) => tg.less(i, 3), (i, y) => [tg.add(i, 1), tg.add(tg.mul(y, w), 1)], [tg.constant(0, { dtype: 'int32' }), x]);
      tg.identity(tg.cond(tg.greater(tg.reduceSum(y), 0), () => y, () => tg.neg(y)), 'out');
      return new tg.Session({ graph: g });
    });
    await sess.run(tg.globalVariablesInitializer(g));
    const expected = (await sess.run('out:0', { 'x:0': [1, -30] }))!.toArray();
    const frozen = tg.graphUtil.convertVariablesToConstants(sess, g.toGraphDef(), ['out']);
    expect(frozen.node.find((n) => n.name === 'w')!.op).to.equal('Const');
    expect(frozen.node.some((n) => n.op === 'NextIteration')).to.equal(true);
    const g2 = new tg.Graph();
    tg.importGraphDef(tg.graphUtil.encodeGraphDef(frozen), { graph: g2 });
    expect(await fetchAll(g2, ['out:0'], { 'x:0': [1, -30] })).to.deep.equal([expected]);
  });

  it('refuses a GraphDef whose Exit is outside any loop, naming the node', async () => {
    const text = `
node { name: "c" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 1 } } } }
node { name: "x" op: "Exit" input: "c" attr { key: "T" value { type: DT_FLOAT } } }`;
    const g = new tg.Graph();
    tg.importGraphDef(tg.graphUtil.parseGraphDefText(text), { graph: g });
    try {
      await fetchAll(g, ['x:0']);
      expect.fail('expected an error');
    } catch (e) {
      expect(e).to.be.instanceOf(tg.errors.InvalidArgumentError);
      expect((e as Error).message).to.match(/'x' \(Exit\) is not inside a while loop/);
    }
  });

  it('exports the loop and the cond TF1 wrote to ONNX Loop and If (value_index too), agreeing with ONNX Runtime', async () => {
    const g = new tg.Graph();
    tg.importGraphDef(tg.graphUtil.parseGraphDefText(TF_WHILE, 'tf_while.pbtxt'), { graph: g });
    const outputs = ['while/Exit:0', 'while/Exit_1:0', 'cond/Merge:0', 'cond/Merge:1'];
    const model = tg.onnx.exportModel(g, { inputs: ['p:0'], outputs });
    const types = (onnxProto.onnx.ModelProto.decode(model).graph?.node ?? []).map((n) => n.opType);
    expect(types).to.include.members(['Loop', 'If']);
    expect(types).to.not.include.members(['Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'LoopCond']);
    for (const [p, want] of [[true, [10, 45, 90, 1]], [false, [10, 45, -45, 0]]] as const) {
      const got = await runOrt(model, { 'p:0': tg.NDArray.from(Uint8Array.of(p ? 1 : 0), [], 'bool') }, outputs);
      expect(got.map((r) => r.data[0])).to.deep.equal(want);
    }
  });
});
