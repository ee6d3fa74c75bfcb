import { expect } from 'chai';
import { loadMnist } from '../../../examples/mnist/data.js';
import { buildMnistGraph } from '../../../examples/mnist/model.js';
import * as tg from '../../../src/index.js';
import { expectClose, runOrt } from '../onnx/helpers.js';
import { checkImport } from './helpers.js';

/** The MNIST CNN of examples/mnist with its initial weights, frozen and exported as the main job does. */
async function exportedMnist(): Promise<{ bytes: Uint8Array; images: tg.NDArray }> {
  const m = buildMnistGraph({ seed: 7 });
  const sess = new tg.Session({ graph: m.graph });
  await sess.run(m.init);
  const frozen = tg.graphUtil.convertVariablesToConstants(sess, m.graph.toGraphDef(), [m.probs.op.name]);
  const bytes = tg.onnx.exportModel(frozen, { inputs: [m.images.name], outputs: [m.probs.name] });
  const { test } = loadMnist();
  return { bytes, images: tg.NDArray.from(test.images.slice(0, 16 * 784), [16, 784]) };
}

describe('ONNX import: the MNIST model our exporter writes', () => {
  let model: { bytes: Uint8Array; images: tg.NDArray };
  before(async () => {
    model = await exportedMnist();
  });
  it('imports and agrees with ONNX Runtime on real digits', async () => {
    const r = await checkImport(model.bytes, { 'images:0': model.images }, 1e-5);
    expect(r.inputs[0].name).to.equal('images:0');
    expect(r.outputs[0].name).to.equal('probs:0');
  });
  it('round trip: exportModel(importModel(m)) runs in ONNX Runtime with the same outputs', async () => {
    const r = await tg.onnx.importModel(model.bytes);
    const again = tg.onnx.exportModel(r.graph, { inputs: [r.inputs[0].name], outputs: [r.outputs[0].name] });
    const want = await runOrt(model.bytes, { 'images:0': model.images }, ['probs:0']);
    const got = await runOrt(again, { 'images:0': model.images }, ['probs:0']);
    expectClose(got[0], tg.NDArray.from(Float32Array.from(want[0].data), want[0].dims), 'round trip', 1e-5);
  });
  it('imported as trainable, it exports as a GraphDef, freezes, and the frozen graph exports to ONNX again', async () => {
    const r = await tg.onnx.importModel(model.bytes, { trainable: true });
    expect(r.variables.length).to.be.greaterThan(0);
    const sess = new tg.Session({ graph: r.graph });
    await sess.run(r.variables.map((v) => v.initializer));
    const def = r.graph.toGraphDef();
    const bytes = tg.graphUtil.encodeGraphDef(def);
    const back = tg.graphUtil.decodeGraphDef(bytes);
    expect(back.node.length).to.equal(def.node.length);
    const frozen = tg.graphUtil.convertVariablesToConstants(sess, def, [r.outputs[0].op.name]);
    expect(frozen.node.some((n) => n.op === 'VariableV2')).to.equal(false);
    const onnxAgain = tg.onnx.exportModel(frozen, { inputs: [r.inputs[0].name], outputs: [r.outputs[0].name] });
    const want = await runOrt(model.bytes, { 'images:0': model.images }, ['probs:0']);
    const got = await runOrt(onnxAgain, { 'images:0': model.images }, ['probs:0']);
    expectClose(got[0], tg.NDArray.from(Float32Array.from(want[0].data), want[0].dims), 'frozen round trip', 1e-5);
  });
});
