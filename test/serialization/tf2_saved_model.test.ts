import { expect } from 'chai';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { BundleReader } from '../../serialization/checkpoint/bundle.js';
import { readStringTensor } from '../../serialization/checkpoint/string_entry.js';
import { pb } from '../../serialization/proto/schema.js';
import { fixture, tempDir } from './fixtures.js';
import { runOrt } from './onnx/helpers.js';

const DIR = fixture('tf2/half_plus_two_tf2');

function load(dir = DIR): { sess: tg.Session; g: tg.Graph; meta: ReturnType<typeof tg.savedModel.load> } {
  const g = new tg.Graph();
  const sess = new tg.Session({ graph: g });
  return { sess, g, meta: tg.savedModel.load(sess, ['serve'], dir) };
}

async function runSignature(sess: tg.Session, sig: tg.savedModel.LoadedSignature, x: number[]): Promise<unknown> {
  const [input] = Object.values(sig.inputs);
  const [output] = Object.values(sig.outputs);
  return ((await sess.run(output.name, { [input.name]: tg.NDArray.from(x, [x.length]) })) as tg.NDArray).toArray();
}

describe('TF2 SavedModels (TF Serving half_plus_two_tf2, written by TF 2.14)', () => {
  it('lists serving_default and the named signatures that run here; the tf.Example ones are skipped with the reason', () => {
    const { meta } = load();
    // the init op (string asset Consts) imports now that DT_STRING is a dtype
    expect(Object.keys(meta.signatureDef).sort()).to.deep.equal(['__saved_model_init_op', 'classify_x2_to_y3', 'regress_x2_to_y3', 'serving_default']);
    expect(Object.keys(meta.skippedSignatures).sort()).to.deep.equal(['classify_x_to_y', 'regress_x_to_y', 'regress_x_to_y2']);
    expect(meta.skippedSignatures['regress_x_to_y']).to.include("needs op 'ParseExampleV2'");
    const sd = meta.signatureDef['serving_default'];
    expect(Object.keys(sd.inputs)).to.deep.equal(['x']);
    expect(Object.keys(sd.outputs)).to.deep.equal(['y']);
    expect(sd.outputs.y.name).to.equal('StatefulPartitionedCall_5:0');
  });

  it('runs the signatures with the values the model defines: y = a*x + b (x/2 + 2), y3 = a*x + c', async () => {
    const { sess, meta } = load();
    expect(await runSignature(sess, meta.signatureDef['serving_default'], [4])).to.deep.equal([4]);
    expect(await runSignature(sess, meta.signatureDef['serving_default'], [-1])).to.deep.equal([1.5]);
    expect(await runSignature(sess, meta.signatureDef['regress_x2_to_y3'], [4])).to.deep.equal([5]);
    expect(await runSignature(sess, meta.signatureDef['classify_x2_to_y3'], [1])).to.deep.equal([3.5]);
    // serving_default_x is a PlaceholderWithDefault of [0]: unfed, y = b
    expect(((await sess.run('StatefulPartitionedCall_5:0')) as tg.NDArray).toArray()).to.deep.equal([2]);
  });

  it('inlines the StatefulPartitionedCall bodies and restores the resource variables from the object-based checkpoint', async () => {
    const { sess, g } = load();
    const types = new Set(g.getOperations().map((o) => o.type));
    expect(types.has('StatefulPartitionedCall')).to.equal(false);
    expect([...types]).to.include.members(['VarHandleOp', 'ReadVariableOp', 'Mul', 'AddV2']);
    expect(g.getOperationByName('StatefulPartitionedCall_5/StatefulPartitionedCall/Mul').type).to.equal('Mul');
    for (const [name, want] of [['a', 0.5], ['b', 2], ['c', 3]] as const) {
      expect(g.getOperationByName(name).type).to.equal('VarHandleOp');
      expect(sess.variableValue(name)?.toArray()).to.equal(want);
    }
  });

  it('the _CHECKPOINTABLE_OBJECT_GRAPH entry decodes (DT_STRING bundle entry) to the object graph naming each variable', () => {
    const reader = new BundleReader(join(DIR, 'variables', 'variables'));
    const [bytes] = readStringTensor(reader, '_CHECKPOINTABLE_OBJECT_GRAPH');
    const og = pb.TrackableObjectGraph.toObject(pb.TrackableObjectGraph.decode(bytes)) as { nodes: { attributes?: { checkpoint_key: string }[] }[] };
    const keys = og.nodes.flatMap((n) => (n.attributes ?? []).map((a) => a.checkpoint_key));
    expect(keys).to.deep.equal(['a/.ATTRIBUTES/VARIABLE_VALUE', 'b/.ATTRIBUTES/VARIABLE_VALUE', 'c/.ATTRIBUTES/VARIABLE_VALUE']);
  });

  it('a corrupt object-graph entry or a missing variable value is a typed error, and the session is left as it was', () => {
    const dir = join(tempDir('tf2'), 'model');
    mkdirSync(join(dir, 'variables'), { recursive: true });
    copyFileSync(join(DIR, 'saved_model.pb'), join(dir, 'saved_model.pb'));
    copyFileSync(join(DIR, 'variables', 'variables.index'), join(dir, 'variables', 'variables.index'));
    const data = readFileSync(join(DIR, 'variables', 'variables.data-00000-of-00001'));
    const bad = Uint8Array.from(data);
    bad[12 + 40] ^= 0xff; // inside the object graph's string bytes
    writeFileSync(join(dir, 'variables', 'variables.data-00000-of-00001'), bad);
    const g = new tg.Graph();
    const sess = new tg.Session({ graph: g });
    expect(() => tg.savedModel.load(sess, ['serve'], dir)).to.throw(tg.errors.DataLossError, "_CHECKPOINTABLE_OBJECT_GRAPH': checksum mismatch");
    expect(g.getOperations()).to.deep.equal([]);
    // truncated data file: the string entry lies past its end
    writeFileSync(join(dir, 'variables', 'variables.data-00000-of-00001'), data.subarray(0, 100));
    expect(() => tg.savedModel.load(sess, ['serve'], dir)).to.throw(tg.errors.DataLossError, 'past the end');
    expect(g.getOperations()).to.deep.equal([]);
  });
});

describe('TF1 SavedModels: tensors outside the runnable signatures, resource variables', () => {
  it('y2:0 exists and is computed from a fed x:0, as in TF, though its own signature (tf.Example in) is skipped', async () => {
    const g = new tg.Graph();
    const sess = new tg.Session({ graph: g });
    const meta = tg.savedModel.load(sess, ['serve'], fixture('half_plus_two'));
    expect(meta.skippedSignatures['regress_x_to_y2']).to.include("needs op 'ParseExample'");
    // the model: y = a*x + b, y2 = a*x + c, y3 = a2*x2 + c2 (a = a2 = 0.5, b = 2, c = c2 = 3)
    const x = tg.NDArray.from([[1], [2]], [2, 1]);
    const out = (await sess.run(['y:0', 'y2:0', 'y3:0'], { 'x:0': x, 'x2:0': x })) as tg.NDArray[];
    expect(out.map((o) => o.toArray())).to.deep.equal([[[2.5], [3]], [[3.5], [4]], [[3.5], [4]]]);
    expect(() => g.getOperationByName('ParseExample/ParseExample')).to.throw(tg.errors.NotFoundError);
  });

  it('a TF-written TF1 SavedModel with resource variables (tf.keras Conv2D, MKL variant) restores them and runs, then freezes and exports to ONNX', async () => {
    const dir = fixture('tf2/half_plus_two_mkl_tf1');
    const g = new tg.Graph();
    const sess = new tg.Session({ graph: g });
    const meta = tg.savedModel.load(sess, ['serve'], dir);
    const vars = tg.globalVariables(g);
    expect(vars.filter((v) => v.isResource).map((v) => v.op.name)).to.deep.equal(['conv2d/kernel', 'conv2d/bias', 'conv2d_1/kernel', 'conv2d_1/bias', 'conv2d_2/kernel', 'conv2d_2/bias']);
    for (const v of vars) expect(sess.variableValue(v.op.name)?.toArray(), v.op.name).to.deep.equal(tg.train.loadVariable(join(dir, 'variables', 'variables'), v.op.name).toArray());
    const sig = meta.signatureDef['serving_default'];
    const x = tg.NDArray.from([[1], [4]], [2, 1]);
    // the conv over zeros adds 0: y = x/2 + 2
    const y = (await sess.run(sig.outputs.y.name, { [sig.inputs.x.name]: x })) as tg.NDArray;
    expect(y.toArray()).to.deep.equal([[2.5], [4]]);
    const frozen = tg.graphUtil.convertVariablesToConstants(sess, g.toGraphDef(), ['y']);
    expect(frozen.node.map((n) => n.op)).to.not.include.members(['VarHandleOp', 'ReadVariableOp', 'VariableV2']);
    const g2 = new tg.Graph();
    tg.importGraphDef(frozen, { graph: g2 });
    expect(((await new tg.Session({ graph: g2 }).run('y:0', { 'x:0': x })) as tg.NDArray).toArray()).to.deep.equal([[2.5], [4]]);
    const model = tg.onnx.exportModel(frozen, { inputs: ['x:0'], outputs: ['y:0'] });
    const [ort] = await runOrt(model, { 'x:0': x }, ['y:0']);
    expect(ort.data).to.deep.equal([2.5, 4]);
  });
});

describe("TF2 SavedModels from tfjs-node's tests, with the values its tests expect", () => {
  // these signatures take scalars (tfjs-node's tests feed vectors, which TF's C API lets through)
  const s = (v: number, dtype: tg.DType = 'float32') => tg.NDArray.from([v], [], dtype);
  const cases: [string, string, Record<string, tg.NDArray>, unknown[]][] = [
    ['times_three_float', 'serving_default', { x: s(2) }, [6]],
    ['times_two_int', 'serving_default', { x: s(3, 'int32') }, [6]],
    ['module_with_multiple_signatures', 'serving_default', { x: s(2) }, [6]],
    ['module_with_multiple_signatures', 'timestwo', { x: s(2) }, [4]],
    ['model_single_input_multi_output', 'serving_default', { x: s(3, 'int32') }, [6, 3]],
    ['model_multi_output', 'serving_default', { x: s(3, 'int32'), y: s(5, 'int32') }, [6, 5]],
    ['int64_multiply', 'serving_default', { x: tg.NDArray.from([3, 4], [2], 'int64') }, [[18, 24]]],
  ];
  for (const [model, signature, inputs, want] of cases) {
    it(`${model} / ${signature}`, async () => {
      const g = new tg.Graph();
      const sess = new tg.Session({ graph: g });
      const meta = tg.savedModel.load(sess, ['serve'], fixture(`tf2/tfjs/${model}`));
      const sig = meta.signatureDef[signature];
      const feeds = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [sig.inputs[k].name, v]));
      // outputs in key order (output_0, output_1), as TF lists them
      const names = Object.keys(sig.outputs).sort().map((k) => sig.outputs[k].name);
      const out = (await sess.run(names, feeds)) as tg.NDArray[];
      expect(out.map((o) => o.toArray())).to.deep.equal(want);
    });
  }
});

describe('TF2 SavedModels: a hostile object graph', () => {
  type Meta = { object_graph_def?: { nodes?: { children?: { node_id?: number; local_name?: string }[] }[]; concrete_functions?: Record<string, { bound_inputs?: number[] }> } };
  const edits: [string, (m: Meta) => void][] = [
    ['a child pointing past the node list', (m) => m.object_graph_def!.nodes![0].children!.push({ node_id: 1e9, local_name: 'a' })],
    ['a negative child id', (m) => (m.object_graph_def!.nodes![0].children![0].node_id = -5)],
    ['a cycle through the root', (m) => m.object_graph_def!.nodes![1].children!.push({ node_id: 0, local_name: 'back' })],
    ['bound inputs naming no variable', (m) => Object.values(m.object_graph_def!.concrete_functions!).forEach((f) => (f.bound_inputs = [7, 1e9, -1]))],
    ['more bound inputs than the call passes', (m) => Object.values(m.object_graph_def!.concrete_functions!).forEach((f) => (f.bound_inputs = Array(50).fill(1)))],
    ['children renamed (no match in the checkpoint)', (m) => m.object_graph_def!.nodes![0].children!.forEach((c) => (c.local_name = `x_${c.local_name}`))],
  ];
  for (const [what, edit] of edits) {
    it(`${what}: loads or fails typed, and a failed load leaves the session as it was`, async () => {
      const dir = join(tempDir('tf2-og'), 'model');
      mkdirSync(join(dir, 'variables'), { recursive: true });
      for (const f of ['variables/variables.index', 'variables/variables.data-00000-of-00001']) copyFileSync(join(DIR, f), join(dir, f));
      const sm = pb.SavedModel.toObject(pb.SavedModel.decode(readFileSync(join(DIR, 'saved_model.pb'))), { longs: Number, enums: Number, arrays: true, objects: true }) as { meta_graphs: Meta[] };
      edit(sm.meta_graphs[0]);
      writeFileSync(join(dir, 'saved_model.pb'), pb.SavedModel.encode(pb.SavedModel.fromObject(sm)).finish());
      const g = new tg.Graph();
      const sess = new tg.Session({ graph: g });
      let meta: ReturnType<typeof tg.savedModel.load>;
      try {
        meta = tg.savedModel.load(sess, ['serve'], dir);
      } catch (e) {
        expect(e, String(e)).to.be.instanceOf(tg.errors.OpError);
        expect(g.getOperations()).to.deep.equal([]);
        return;
      }
      // loaded: serving_default runs, or names the variable it could not restore
      try {
        expect(await runSignature(sess, meta.signatureDef['serving_default'], [4])).to.deep.equal([4]);
      } catch (e) {
        expect(e, String(e)).to.be.instanceOf(tg.errors.FailedPreconditionError);
      }
    });
  }
});
