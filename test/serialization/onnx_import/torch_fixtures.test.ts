import { expect } from 'chai';
import * as fs from 'node:fs';
import * as tg from '../../../src/index.js';
import { fixture } from '../fixtures.js';
import { expectClose } from '../onnx/helpers.js';
import { checkImport, f32 } from './helpers.js';

interface Sample {
  opset: number;
  x: { shape: number[]; data: number[] };
  y: { shape: number[]; data: number[] };
}

const load = (name: string): { bytes: Uint8Array; sample: Sample } => ({
  bytes: new Uint8Array(fs.readFileSync(fixture(`onnx/${name}.onnx`))),
  sample: JSON.parse(fs.readFileSync(fixture(`onnx/${name}.json`), 'utf8')) as Sample,
});

describe('ONNX import: models written by PyTorch 1.13 (test/fixtures/onnx)', () => {
  for (const [name, dynamicBatch] of [['torch_mlp', true], ['torch_cnn_bn', false], ['torch_branches', true]] as const) {
    it(`${name}: matches PyTorch's own output and ONNX Runtime`, async () => {
      const { bytes, sample } = load(name);
      const x = tg.NDArray.from(Float32Array.from(sample.x.data), sample.x.shape);
      const r = await checkImport(bytes, { x }, 1e-5);
      const sess = new tg.Session({ graph: r.graph });
      const y = (await sess.run(r.outputs[0], new Map([[r.inputs[0], x]]))) as tg.NDArray;
      expectClose({ data: sample.y.data, dims: sample.y.shape }, y, `${name} vs PyTorch`, 1e-4);
      if (dynamicBatch) {
        expect(r.inputs[0].shape?.[0]).to.equal(null);
        await checkImport(bytes, { x: f32([5, ...sample.x.shape.slice(1)], 3) }, 1e-5);
      }
    });
  }
  it('torch_cnn_bn imported as trainable: every weight (conv, BN scale and shift, linear) gets a gradient', async () => {
    const { bytes } = load('torch_cnn_bn');
    const r = await tg.onnx.importModel(bytes, { trainable: true });
    const trainable = r.variables.filter((v) => v.trainable);
    const grads = r.graph.asDefault(() => tg.gradients(tg.reduceSum(tg.square(r.outputs[0])), trainable.map((v) => v.toTensor())));
    expect(trainable.length).to.be.greaterThan(6);
    grads.forEach((g, i) => expect(g, trainable[i].op.name).to.not.equal(null));
  });
});
