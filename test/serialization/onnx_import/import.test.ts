import { expect } from 'chai';
import onnxProto from 'onnx-proto';
import * as tg from '../../../src/index.js';
import { checkImport, f32, makeModel, singleOp } from './helpers.js';

const { onnx } = onnxProto;

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

const mlp = (opset = 13): Uint8Array =>
  makeModel({
    opset,
    nodes: [
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['h'], name: 'dense/MatMul' },
      { op: 'Add', inputs: ['h', 'b'], outputs: ['z'], name: 'dense/Add' },
      { op: 'Relu', inputs: ['z'], outputs: ['probs:0'], name: 'act' },
    ],
    inputs: [{ name: 'x', dtype: 'float32', shape: [null, 4] }],
    outputs: [{ name: 'probs:0', dtype: 'float32', shape: [null, 3] }],
    initializers: { W: f32([4, 3], 1), b: f32([3], 2) },
  });

describe('ONNX import: the API, errors and atomicity', () => {
  it('returns inputs (initializers excluded) and outputs in model order, symbolic dims as null, names from the model', async () => {
    const r = await tg.onnx.importModel(mlp());
    expect(r.inputs.map((t) => t.name)).to.deep.equal(['x:0']);
    expect(r.inputs[0].shape).to.deep.equal([null, 4]);
    expect(r.outputs.map((t) => t.name)).to.deep.equal(['probs:0']);
    expect(r.outputs[0].shape).to.deep.equal([null, 3]);
    expect(r.variables).to.have.length(0);
    expect(r.graph.hasOperation('dense/MatMul/MatMul')).to.equal(true);
  });
  it('trainable: float initializers become Variables that gradients reach', async () => {
    const r = await tg.onnx.importModel(mlp(), { trainable: true });
    expect(r.variables.map((v) => v.op.name).sort()).to.deep.equal(['W', 'b']);
    const grads = r.graph.asDefault(() => tg.gradients(tg.reduceSum(r.outputs[0]), r.variables.map((v) => v.toTensor())));
    expect(grads.every((g) => g !== null)).to.equal(true);
    await checkImport(mlp(), { x: f32([2, 4], 3) });
  });
  it('prefix puts everything under a name scope; graph imports into an existing graph', async () => {
    const g = new tg.Graph();
    const before = g.asDefault(() => tg.placeholder('float32', [2], 'mine'));
    const r = await tg.onnx.importModel(mlp(), { graph: g, prefix: 'm1' });
    expect(r.graph).to.equal(g);
    expect(r.inputs[0].name).to.equal('m1/x:0');
    expect(r.outputs[0].name).to.equal('m1/probs:0');
    const again = await tg.onnx.importModel(mlp(), { graph: g, prefix: 'm1' });
    expect(again.inputs[0].name).to.equal('m1_1/x:0');
    expect(g.getOperationByName('mine')).to.equal(before.op);
  });
  it('inputMap wires model inputs to existing tensors', async () => {
    const g = new tg.Graph();
    const x = g.asDefault(() => tg.placeholder('float32', [null, 4], 'feed'));
    const r = await tg.onnx.importModel(mlp(), { graph: g, inputMap: { x } });
    expect(r.inputs[0]).to.equal(x);
    const sess = new tg.Session({ graph: g });
    const y = (await sess.run(r.outputs[0], { 'feed:0': f32([1, 4]) })) as tg.NDArray;
    expect(y.shape).to.deep.equal([1, 3]);
  });
  it('an unsupported operator is refused before anything is built, naming node, op type, domain and opset', async () => {
    const model = makeModel({
      opset: 13,
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['a'] },
        { op: 'NonMaxSuppression', inputs: ['a'], outputs: ['y'], name: 'nms' },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: [2] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }],
    });
    const g = new tg.Graph();
    const n = g.numOps;
    const err = await rejects(tg.onnx.importModel(model, { graph: g }));
    expect(err).to.be.instanceOf(tg.errors.UnimplementedError);
    expect(err.message).to.match(/node 'nms'.*op type NonMaxSuppression.*domain 'ai\.onnx' \(default\).*opset 13/);
    expect(g.numOps).to.equal(n);
  });
  it('a custom domain is refused with its name', async () => {
    const model = makeModel({
      opset: 13,
      extraOpsets: [{ domain: 'com.microsoft', version: 1 }],
      nodes: [{ op: 'FusedGemm', domain: 'com.microsoft', inputs: ['x'], outputs: ['y'], name: 'fg' }],
      inputs: [{ name: 'x', dtype: 'float32', shape: [2] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }],
    });
    const err = await rejects(tg.onnx.importModel(model));
    expect(err).to.be.instanceOf(tg.errors.UnimplementedError);
    expect(err.message).to.match(/node 'fg'.*FusedGemm.*domain 'com\.microsoft'.*opset 1/);
  });
  it('an attribute combination we cannot compose fails after a dry run, leaving the target graph unchanged', async () => {
    const { model } = singleOp('LRN', 13, [f32([1, 4, 2, 2])], { size: { i: 2 } });
    const g = new tg.Graph();
    g.asDefault(() => tg.placeholder('float32', [1], 'c'));
    const [n, v] = [g.numOps, g.version];
    const err = await rejects(tg.onnx.importModel(model, { graph: g }));
    expect(err).to.be.instanceOf(tg.errors.UnimplementedError);
    expect(err.message).to.match(/node 'LRN_0' \(op type LRN.*opset 13\) is not supported: an even size/);
    expect([g.numOps, g.version]).to.deep.equal([n, v]);
  });
  it('opsets outside the supported range are refused; the default domain must be imported', async () => {
    const old = onnx.ModelProto.decode(mlp());
    old.opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version: 6 })];
    const e1 = await rejects(tg.onnx.importModel(onnx.ModelProto.encode(old).finish()));
    expect(e1).to.be.instanceOf(tg.errors.UnimplementedError);
    expect(e1.message).to.match(/opset 6 is not supported.*7 to 25/);
    old.opsetImport = [onnx.OperatorSetIdProto.create({ domain: 'x', version: 1 })];
    const e2 = await rejects(tg.onnx.importModel(onnx.ModelProto.encode(old).finish()));
    expect(e2).to.be.instanceOf(tg.errors.InvalidArgumentError);
  });
  it('an operator used below the opset that introduced it is an invalid model', async () => {
    const { model } = singleOp('Gelu', 17, [f32([2])]);
    const err = await rejects(tg.onnx.importModel(model));
    expect(err).to.be.instanceOf(tg.errors.InvalidArgumentError);
    expect(err.message).to.match(/Gelu is not in opset 17/);
  });
  it('malformed files give typed errors', async () => {
    const e1 = await rejects(tg.onnx.importModel(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2])));
    expect(e1).to.be.instanceOf(tg.errors.DataLossError);
    const m = onnx.ModelProto.decode(mlp());
    m.graph!.initializer![0].rawData = new Uint8Array(7);
    m.graph!.initializer![0].floatData = [];
    const e2 = await rejects(tg.onnx.importModel(onnx.ModelProto.encode(m).finish()));
    expect(e2).to.be.instanceOf(tg.errors.DataLossError);
    expect(e2.message).to.match(/initializer 'W': raw_data has 7 bytes, dims need 48/);
    const m3 = onnx.ModelProto.decode(mlp());
    m3.graph!.node!.reverse();
    const e3 = await rejects(tg.onnx.importModel(onnx.ModelProto.encode(m3).finish()));
    expect(e3).to.be.instanceOf(tg.errors.InvalidArgumentError);
    expect(e3.message).to.match(/topologically sorted/);
    const m4 = onnx.ModelProto.decode(mlp());
    m4.graph!.initializer![0].dims = [1 << 20, 1 << 20];
    const e4 = await rejects(tg.onnx.importModel(onnx.ModelProto.encode(m4).finish()));
    expect(e4).to.be.instanceOf(tg.errors.ResourceExhaustedError);
    const m5 = onnx.ModelProto.decode(mlp());
    m5.graph!.node![2].attribute = [onnx.AttributeProto.create({ name: 'alpha', type: onnx.AttributeProto.AttributeType.STRING, s: new Uint8Array([1]) })];
    m5.graph!.node![2].opType = 'LeakyRelu';
    const e5 = await rejects(tg.onnx.importModel(onnx.ModelProto.encode(m5).finish()));
    expect(e5).to.be.instanceOf(tg.errors.InvalidArgumentError);
    expect(e5.message).to.match(/attribute 'alpha' must be a float/);
  });
  it('a negative dim in a constant shape operand is an InvalidArgumentError (found by the fuzz)', async () => {
    const model = makeModel({
      opset: 13,
      nodes: [{ op: 'ConstantOfShape', inputs: ['s'], outputs: ['y'], name: 'cos' }],
      inputs: [],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }],
      initializers: { s: tg.NDArray.from([-1, 2], [2], 'int64') },
    });
    const err = await rejects(tg.onnx.importModel(model));
    expect(err).to.be.instanceOf(tg.errors.InvalidArgumentError);
    expect(err.message).to.match(/node 'cos'.*shape \[-1, 2\] has a negative dim/);
  });
  it('a Concat without inputs and a float shape operand are InvalidArgumentErrors (found by the fuzz)', async () => {
    const concat = makeModel({
      opset: 13,
      nodes: [{ op: 'Concat', inputs: [], outputs: ['y'], name: 'cat', attrs: { axis: { i: 0 } } }],
      inputs: [],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }],
    });
    const e1 = await rejects(tg.onnx.importModel(concat));
    expect(e1).to.be.instanceOf(tg.errors.InvalidArgumentError);
    expect(e1.message).to.match(/node 'cat'.*needs at least one input/);
    const cos = makeModel({
      opset: 13,
      nodes: [{ op: 'ConstantOfShape', inputs: ['s'], outputs: ['y'], name: 'cos' }],
      inputs: [],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }],
      initializers: { s: tg.NDArray.from([1.5, 2], [2]) },
    });
    const e2 = await rejects(tg.onnx.importModel(cos));
    expect(e2).to.be.instanceOf(tg.errors.InvalidArgumentError);
    expect(e2.message).to.match(/node 'cos'.*must be an integer tensor/);
  });
  it('external data and unsupported element types are refused by name', async () => {
    const m = onnx.ModelProto.decode(mlp());
    m.graph!.initializer![0].dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    const e1 = await rejects(tg.onnx.importModel(onnx.ModelProto.encode(m).finish()));
    expect(e1).to.be.instanceOf(tg.errors.UnimplementedError);
    expect(e1.message).to.match(/initializer 'W': external tensor data/);
    const m2 = onnx.ModelProto.decode(mlp());
    m2.graph!.input![0].type!.tensorType!.elemType = onnx.TensorProto.DataType.DOUBLE;
    const e2 = await rejects(tg.onnx.importModel(onnx.ModelProto.encode(m2).finish()));
    expect(e2).to.be.instanceOf(tg.errors.UnimplementedError);
    expect(e2.message).to.match(/input 'x'.*DOUBLE/);
  });
  it('model-local functions are inlined, attribute references included', async () => {
    const fn: onnxProto.onnx.IFunctionProto = {
      name: 'ScaledLeaky',
      domain: 'custom',
      input: ['a'],
      output: ['b'],
      attribute: ['slope'],
      node: [
        { opType: 'LeakyRelu', input: ['a'], output: ['t'], attribute: [{ name: 'alpha', refAttrName: 'slope', type: onnx.AttributeProto.AttributeType.FLOAT }] },
        { opType: 'Add', input: ['t', 't'], output: ['b'] },
      ],
      opsetImport: [{ domain: '', version: 13 }],
    };
    const model = makeModel({
      opset: 13,
      extraOpsets: [{ domain: 'custom', version: 1 }],
      functions: [fn],
      nodes: [
        { op: 'ScaledLeaky', domain: 'custom', inputs: ['x'], outputs: ['h'], attrs: { slope: { f: 0.3 } } },
        { op: 'ScaledLeaky', domain: 'custom', inputs: ['h'], outputs: ['y'], attrs: { slope: { f: 0.1 } } },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: [5] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [5] }],
    });
    await checkImport(model, { x: f32([5]) });
  });
  it('a path is read through the platform layer', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'tg-onnx-')), 'm.onnx');
    writeFileSync(file, mlp());
    const r = await tg.onnx.importModel(file);
    expect(r.outputs).to.have.length(1);
    const missing = await rejects(tg.onnx.importModel(join(file, 'nope')));
    expect(missing).to.be.instanceOf(tg.errors.NotFoundError);
    expect(missing.message).to.contain('nope');
  });
});
