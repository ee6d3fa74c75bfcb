import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { expectClose, randomArray } from '../../util/oracle.js';

describe('graph/passes: layout (NCHW convolutions run as NHWC)', () => {
  it('a chain of NCHW conv/relu/pool keeps one transpose at each end, with unchanged results', async () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 3, 8, 8], 'x');
      const f1 = tg.constant(randomArray([3, 3, 3, 4], 1));
      const f2 = tg.constant(randomArray([3, 3, 4, 5], 2));
      let h = tg.nn.relu(tg.nn.conv2d(x, f1, { strides: 1, padding: 'SAME', dataFormat: 'NCHW' }));
      h = tg.nn.relu(tg.nn.biasAdd(tg.nn.conv2d(h, f2, { strides: [1, 1, 2, 2], padding: 'VALID', dataFormat: 'NCHW' }), tg.constant(randomArray([5], 3)), { dataFormat: 'NCHW' }));
      return { x, y: tg.nn.maxPool(h, { ksize: [1, 1, 2, 2], strides: [1, 1, 1, 1], padding: 'SAME', dataFormat: 'NCHW' }) };
    });
    const opts = { feeds: new Map([[x, [2, 3, 8, 8]]]), disable: ['fuse-elementwise', 'fuse-epilogue'] };
    const { program } = tg.optimize(g, y, opts);
    expect(program.nodes.filter((n) => n.type === 'Transpose')).to.have.length(2);
    expect(program.nodes.filter((n) => ['Conv2D', 'MaxPool', 'BiasAdd'].includes(n.type)).every((n) => n.attrs.data_format === 'NHWC')).to.equal(true);
    const off = tg.optimize(g, y, { ...opts, disable: ['layout', 'fuse-elementwise', 'fuse-epilogue'] }).program;
    expect(off.nodes.filter((n) => n.type === 'Transpose')).to.have.length(0);
    const xv = randomArray([2, 3, 8, 8], 4);
    const a = (await new tg.Session({ graph: g }).run(y, new Map([[x, xv]]))) as tg.NDArray;
    const b = (await new tg.Session({ graph: g, optimizer: { disable: ['all'] } }).run(y, new Map([[x, xv]]))) as tg.NDArray;
    expectClose(a, b, 1e-5, 1e-5);
  });
  it('sinks a transpose below an op only when the other operand cannot add dims: transpose(x) + const [[[0.5]]] keeps its [1,3,2] shape', async () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [2, 3], 'x');
      return { x, y: tg.add(tg.transpose(x, [1, 0]), tg.constant([[[0.5]]])) };
    });
    const xv = tg.NDArray.from(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const a = (await new tg.Session({ graph: g, debug: { verifyPasses: true } }).run(y, new Map([[x, xv]]))) as tg.NDArray;
    expect(a.shape).to.deep.equal([1, 3, 2]);
    expect(Array.from(a.data)).to.deep.equal([1.5, 4.5, 2.5, 5.5, 3.5, 6.5]);
  });
  it('leaves NHWC graphs alone', () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 8, 8, 3], 'x');
      return { x, y: tg.nn.relu(tg.nn.conv2d(x, tg.constant(randomArray([3, 3, 3, 4], 1)), { strides: 1, padding: 'SAME' })) };
    });
    const { program } = tg.optimize(g, y, { feeds: new Map([[x, [1, 8, 8, 3]]]) });
    expect(program.nodes.filter((n) => n.type === 'Transpose')).to.have.length(0);
  });
});

describe('graph/passes: conv epilogue (Conv2D + BiasAdd + activation as one call)', () => {
  it('conv2d -> biasAdd -> relu runs as a single _FusedConv2D kernel with unchanged results', async () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 6, 6, 2], 'x');
      const W = new tg.Variable(tg.constant(randomArray([3, 3, 2, 4], 5)), { name: 'W' });
      const b = new tg.Variable(tg.constant(randomArray([4], 6)), { name: 'b' });
      return { x, y: tg.nn.relu(tg.nn.biasAdd(tg.nn.conv2d(x, W, { strides: 1, padding: 'SAME' }), b)) };
    });
    const init = g.asDefault(() => tg.globalVariablesInitializer());
    const xv = randomArray([2, 6, 6, 2], 7);
    const on = new tg.Session({ graph: g });
    const off = new tg.Session({ graph: g, optimizer: { disable: ['all'] } });
    await on.run(init);
    await off.run(init);
    const md = new tg.RunMetadata();
    const a = (await on.run(y, new Map([[x, xv]]), { runMetadata: md })) as tg.NDArray;
    const b = (await off.run(y, new Map([[x, xv]]))) as tg.NDArray;
    expectClose(a, b, 1e-5, 1e-5);
    const compute = md.stepStats[0].nodeStats.filter((s) => !['VariableV2', 'Identity'].includes(s.opType));
    expect(compute.map((s) => s.opType)).to.deep.equal(['_FusedConv2D']);
  });
});
