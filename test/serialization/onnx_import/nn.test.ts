import { expect } from 'chai';
import type { Attr } from './helpers.js';
import { composedOps } from '../import_fuzz_onnx.js';
import { checkImport, f32, makeModel, singleOp } from './helpers.js';

type Attrs = Record<string, Attr>;

describe('ONNX import: convolutions, pools, normalizations', () => {
  const convCases: [string, number[], number[], Attrs][] = [
    ['3x3 no pads', [1, 2, 6, 6], [3, 2, 3, 3], {}],
    ['symmetric pads, stride 2', [2, 2, 7, 7], [4, 2, 3, 3], { pads: { ints: [1, 1, 1, 1] }, strides: { ints: [2, 2] } }],
    ['asymmetric pads', [1, 3, 5, 6], [2, 3, 3, 2], { pads: { ints: [0, 1, 2, 1] } }],
    ['dilations', [1, 2, 8, 8], [2, 2, 3, 3], { dilations: { ints: [2, 1] }, pads: { ints: [1, 1, 1, 1] } }],
    ['groups', [1, 4, 5, 5], [6, 2, 3, 3], { group: { i: 2 } }],
    ['depthwise', [1, 3, 5, 5], [3, 1, 3, 3], { group: { i: 3 }, pads: { ints: [1, 1, 1, 1] } }],
    ['auto_pad SAME_UPPER stride 2', [1, 2, 7, 6], [2, 2, 3, 3], { auto_pad: { s: 'SAME_UPPER' }, strides: { ints: [2, 2] } }],
    ['auto_pad SAME_LOWER', [1, 2, 6, 6], [2, 2, 4, 4], { auto_pad: { s: 'SAME_LOWER' } }],
    ['auto_pad VALID', [1, 2, 6, 6], [2, 2, 3, 3], { auto_pad: { s: 'VALID' } }],
    ['1-D', [2, 3, 9], [4, 3, 3], { pads: { ints: [1, 2] }, strides: { ints: [2] } }],
  ];
  for (const opset of [7, 11, 17]) {
    for (const [label, xs, ws, attrs] of convCases) {
      it(`Conv ${label} (opset ${opset}), with bias`, async () => {
        const { model, feeds } = singleOp('Conv', opset, [f32(xs, 1), f32(ws, 2), f32([ws[0]], 3)], attrs, { consts: [1, 2] });
        await checkImport(model, feeds, 1e-4);
      });
    }
  }
  it('Conv without bias, filter as a model input', async () => {
    const { model, feeds } = singleOp('Conv', 13, [f32([1, 2, 5, 5]), f32([3, 2, 2, 2], 4)], { strides: { ints: [1, 2] } });
    await checkImport(model, feeds, 1e-4);
  });
  const ctCases: [string, number[], number[], Attrs][] = [
    ['stride 2', [1, 2, 4, 4], [2, 3, 3, 3], { strides: { ints: [2, 2] } }],
    ['pads and output_padding', [1, 2, 3, 4], [2, 3, 3, 3], { strides: { ints: [2, 2] }, pads: { ints: [1, 0, 1, 1] }, output_padding: { ints: [1, 1] } }],
    ['output_shape', [1, 2, 3, 3], [2, 2, 3, 3], { strides: { ints: [2, 2] }, output_shape: { ints: [6, 6] } }],
    ['groups', [1, 4, 3, 3], [4, 1, 2, 2], { group: { i: 2 } }],
    ['dilations', [1, 1, 4, 4], [1, 2, 3, 3], { dilations: { ints: [2, 2] } }],
    ['auto_pad SAME_UPPER', [1, 2, 3, 3], [2, 2, 3, 3], { strides: { ints: [2, 2] }, auto_pad: { s: 'SAME_UPPER' } }],
    ['1-D', [1, 2, 5], [2, 3, 3], { strides: { ints: [2] }, pads: { ints: [1, 1] } }],
  ];
  for (const [label, xs, ws, attrs] of ctCases) {
    it(`ConvTranspose ${label}`, async () => {
      const { model, feeds } = singleOp('ConvTranspose', 13, [f32(xs, 1), f32(ws, 2), f32([ws[1] * ((attrs.group as { i: number } | undefined)?.i ?? 1)], 3)], attrs, { consts: [1, 2] });
      await checkImport(model, feeds, 1e-4);
    });
  }
  it('ConvTranspose with a symbolic batch keeps its static C, H, W and runs at two batch sizes', async () => {
    const model = makeModel({
      opset: 13,
      nodes: [
        { op: 'ConvTranspose', inputs: ['x', 'w'], outputs: ['t'], attrs: { strides: { ints: [2, 2] }, output_padding: { ints: [1, 0] }, pads: { ints: [1, 1, 0, 0] } } },
        { op: 'Flatten', inputs: ['t'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: [null, 2, 3, 3] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }],
      initializers: { w: f32([2, 3, 3, 3], 3) },
    });
    const r = await checkImport(model, [{ x: f32([1, 2, 3, 3], 1) }, { x: f32([3, 2, 3, 3], 2) }], 1e-4);
    expect(r.outputs[0].shape).to.deep.equal([null, 3 * 7 * 6]);
  });

  it('a chain of composed operators (reflect Pad, cubic Resize, dilated ceil MaxPool, padded AveragePool, Split, Slice with INT64 bounds, Gather, LRN, ConvTranspose, ConstantOfShape) with a symbolic batch', async () => {
    await checkImport(composedOps(), [{ x: f32([1, 2, 6, 6], 1) }, { x: f32([3, 2, 6, 6], 2) }], 1e-4);
  });

  const poolCases: [string, number[], Attrs][] = [
    ['2x2 stride 2', [1, 2, 6, 6], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } }],
    ['3x3 pads 1', [2, 2, 5, 5], { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } }],
    ['asymmetric pads', [1, 1, 5, 6], { kernel_shape: { ints: [3, 2] }, pads: { ints: [0, 1, 2, 0] }, strides: { ints: [2, 1] } }],
    ['ceil_mode', [1, 2, 6, 7], { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, ceil_mode: { i: 1 } }],
    ['ceil_mode with pads', [1, 1, 7, 7], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] }, ceil_mode: { i: 1 } }],
    ['auto_pad SAME_UPPER', [1, 2, 5, 5], { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, auto_pad: { s: 'SAME_UPPER' } }],
    ['auto_pad SAME_LOWER', [1, 2, 6, 6], { kernel_shape: { ints: [2, 2] }, auto_pad: { s: 'SAME_LOWER' } }],
    ['1-D', [2, 3, 8], { kernel_shape: { ints: [3] }, strides: { ints: [2] }, pads: { ints: [1, 1] } }],
  ];
  for (const [label, xs, attrs] of poolCases) {
    it(`MaxPool ${label}`, async () => {
      const { model, feeds } = singleOp('MaxPool', 12, [f32(xs, 5)], attrs);
      await checkImport(model, feeds);
    });
    for (const include of [0, 1]) {
      it(`AveragePool ${label}, count_include_pad ${include}`, async () => {
        const { model, feeds } = singleOp('AveragePool', 11, [f32(xs, 6)], { ...attrs, count_include_pad: { i: include } });
        await checkImport(model, feeds, 1e-5);
      });
    }
  }
  it('MaxPool with dilations (opset 12)', async () => {
    const { model, feeds } = singleOp('MaxPool', 12, [f32([1, 2, 9, 9], 7)], { kernel_shape: { ints: [3, 2] }, dilations: { ints: [2, 3] }, pads: { ints: [1, 1, 2, 0] }, strides: { ints: [2, 1] } });
    await checkImport(model, feeds);
  });
  it('AveragePool with dilations (opset 19), both count modes', async () => {
    for (const include of [0, 1]) {
      const { model, feeds } = singleOp('AveragePool', 19, [f32([1, 2, 9, 9], 8)], { kernel_shape: { ints: [3, 3] }, dilations: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] }, count_include_pad: { i: include } });
      await checkImport(model, feeds, 1e-5);
    }
  });
  it('MaxPool on the old opset without ceil_mode (opset 8)', async () => {
    const { model, feeds } = singleOp('MaxPool', 8, [f32([1, 2, 6, 6], 9)], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } });
    await checkImport(model, feeds);
  });
  for (const op of ['GlobalAveragePool', 'GlobalMaxPool']) {
    it(op, async () => {
      const { model, feeds } = singleOp(op, 13, [f32([2, 3, 4, 5], 10)]);
      await checkImport(model, feeds, 1e-5);
    });
  }
  for (const opset of [7, 9, 15]) {
    it(`BatchNormalization (opset ${opset}, rank 4 and rank 2)`, async () => {
      const params = [f32([3], 11, 0.5, 1.5), f32([3], 12), f32([3], 13), f32([3], 14, 0.5, 2)];
      const four = singleOp('BatchNormalization', opset, [f32([2, 3, 4, 4], 15), ...params], { epsilon: { f: 1e-3 } }, { consts: [1, 2, 3, 4] });
      await checkImport(four.model, four.feeds, 1e-4);
      const two = singleOp('BatchNormalization', opset, [f32([5, 3], 16), ...params], {}, { consts: [1, 2, 3, 4] });
      await checkImport(two.model, two.feeds, 1e-4);
    });
  }
  it('InstanceNormalization', async () => {
    const { model, feeds } = singleOp('InstanceNormalization', 6 + 7, [f32([2, 3, 4, 5], 17), f32([3], 18), f32([3], 19)], { epsilon: { f: 1e-4 } }, { consts: [1, 2] });
    await checkImport(model, feeds, 1e-4);
  });
  for (const axis of [-1, 1]) {
    it(`LayerNormalization axis ${axis} (opset 17), with and without bias`, async () => {
      const x = f32([2, 3, 4], 20);
      const shape = axis === -1 ? [4] : [3, 4];
      const a = singleOp('LayerNormalization', 17, [x, f32(shape, 21), f32(shape, 22)], { axis: { i: axis } }, { consts: [1, 2] });
      await checkImport(a.model, a.feeds, 1e-4);
      const b = singleOp('LayerNormalization', 17, [x, f32(shape, 21)], { axis: { i: axis } }, { consts: [1] });
      await checkImport(b.model, b.feeds, 1e-4);
    });
  }
  for (const size of [3, 5]) {
    it(`LRN size ${size}`, async () => {
      const { model, feeds } = singleOp('LRN', 13, [f32([1, 6, 3, 3], 23)], { size: { i: size }, alpha: { f: 0.01 }, beta: { f: 0.6 }, bias: { f: 2 } });
      await checkImport(model, feeds, 1e-5);
    });
  }
  it('MatMul (2-D, batched with broadcasting, 1-D operands) and Gemm', async () => {
    for (const [a, b] of [[[3, 4], [4, 5]], [[2, 3, 4], [4, 5]], [[2, 1, 3, 4], [3, 4, 2]], [[4], [4, 5]], [[2, 3, 4], [4]]]) {
      const { model, feeds } = singleOp('MatMul', 13, [f32(a, 1), f32(b, 2)]);
      await checkImport(model, feeds, 1e-5);
    }
    const g1 = singleOp('Gemm', 11, [f32([4, 3], 1), f32([5, 4], 2), f32([5], 3)], { transA: { i: 1 }, transB: { i: 1 }, alpha: { f: 0.5 }, beta: { f: 2 } });
    await checkImport(g1.model, g1.feeds, 1e-5);
    const g2 = singleOp('Gemm', 13, [f32([3, 4], 1), f32([4, 5], 2)]);
    await checkImport(g2.model, g2.feeds, 1e-5);
    const g3 = singleOp('Gemm', 7, [f32([3, 4], 1), f32([4, 5], 2), f32([3, 5], 3)]);
    await checkImport(g3.model, g3.feeds, 1e-5);
  });
});
