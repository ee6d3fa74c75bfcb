import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { randomArray } from '../../util/oracle.js';
import { expectClose, nodeTypes, runOrt } from './helpers.js';

describe('serialization/onnx: conv2dTranspose with an unknown batch', () => {
  for (const padding of ['same', 'valid'] as const) {
    it(`tg.layers.conv2dTranspose (${padding}, stride 2) frozen and exported runs in ONNX Runtime for batch 1 and 3`, async () => {
      const g = new tg.Graph();
      const sess = new tg.Session({ graph: g });
      g.asDefault(() => {
        const x = tg.placeholder('float32', [null, 4, 5, 3], 'x');
        const y = tg.layers.conv2dTranspose(x, 2, [3, 2], { strides: 2, padding, kernelInitializer: tg.randomUniformInitializer({ minval: -0.5, maxval: 0.5, seed: 1 }), biasInitializer: tg.constantInitializer(0.1) });
        tg.identity(tg.nn.relu(y), 'y');
      });
      await sess.run(tg.globalVariablesInitializer(g));
      const frozen = tg.graphUtil.convertVariablesToConstants(sess, g.toGraphDef(), ['y']);
      const model = tg.onnx.exportModel(frozen, { inputs: ['x:0'], outputs: ['y:0'] });
      expect(nodeTypes(model)).to.include('ConvTranspose');
      for (const n of [1, 3]) {
        const feeds = { 'x:0': randomArray([n, 4, 5, 3], 20 + n) };
        const [want] = (await sess.run(['y:0'], feeds)) as tg.NDArray[];
        expect(want.shape[0]).to.equal(n);
        const [got] = await runOrt(model, feeds, ['y:0']);
        expectClose(got, want, `batch ${n}`);
      }
    });
  }
  it('tg.nn.conv2dTranspose with output_shape stacked from the runtime batch (the TF1 idiom) exports too', async () => {
    const g = new tg.Graph();
    const y = g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 3, 3, 4], 'x');
      const batch = tg.gather(tg.shape(x), 0);
      return tg.identity(tg.nn.conv2dTranspose(x, tg.constant(randomArray([3, 3, 2, 4], 5)), tg.stack([batch, 6, 6, 2]), { strides: 2, padding: 'SAME' }), 'y');
    });
    // inference reads the stacked sizes as TF does (input_tensors_as_shapes): only the batch is unknown
    expect(y.shape).to.deep.equal([null, 6, 6, 2]);
    const model = tg.onnx.exportModel(g, { inputs: ['x:0'], outputs: [y.name] });
    const sess = new tg.Session({ graph: g });
    for (const n of [2, 5]) {
      const feeds = { 'x:0': randomArray([n, 3, 3, 4], n) };
      const [want] = (await sess.run([y.name], feeds)) as tg.NDArray[];
      const [got] = await runOrt(model, feeds, [y.name]);
      expectClose(got, want, `batch ${n}`);
    }
  });
});
