import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { checkImport, f32, i64, singleOp } from './helpers.js';

describe('ONNX import: elementwise, activations', () => {
  const x = f32([2, 3, 4], 1, -2, 2);
  const y = f32([3, 4], 2, 0.5, 2);
  for (const opset of [7, 13, 17]) {
    for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean']) {
      // the variadic ones broadcast from opset 8
      if (opset === 7 && ['Max', 'Min', 'Sum', 'Mean'].includes(op)) continue;
      it(`${op} (opset ${opset}, broadcasting)`, async () => {
        const b = op === 'Pow' ? y : f32([3, 4], 3);
        const a = op === 'Pow' ? f32([2, 3, 4], 4, 0.5, 2) : x;
        const { model, feeds } = singleOp(op, opset, [a, b]);
        await checkImport(model, feeds, 1e-5);
      });
    }
  }
  for (const op of ['Neg', 'Abs', 'Exp', 'Floor', 'Ceil', 'Sign', 'Sin', 'Cos', 'Erf', 'Relu', 'Sigmoid', 'Tanh', 'Softplus', 'Softsign', 'Round', 'Identity']) {
    it(`${op}`, async () => {
      const { model, feeds } = singleOp(op, 13, [x]);
      await checkImport(model, feeds, 1e-5);
    });
  }
  for (const op of ['Log', 'Sqrt', 'Reciprocal']) {
    it(`${op}`, async () => {
      const { model, feeds } = singleOp(op, 13, [y]);
      await checkImport(model, feeds, 1e-5);
    });
  }
  it('Div on int64 truncates toward zero', async () => {
    const { model, feeds } = singleOp('Div', 13, [i64([7, -7, 7, -7, 0, 6]), i64([2, 2, -2, -2, 3, -3])]);
    await checkImport(model, feeds);
  });
  for (const [op, opset] of [['Equal', 11], ['Greater', 9], ['Less', 13], ['GreaterOrEqual', 12], ['LessOrEqual', 16]] as const) {
    it(`${op} (opset ${opset})`, async () => {
      const a = tg.NDArray.from([1, 2, 3, 4, 5, 6], [2, 3]);
      const b = tg.NDArray.from([3, 2, 1], [3]);
      const { model, feeds } = singleOp(op, opset, [a, b], {}, { outDtype: 'bool' });
      await checkImport(model, feeds);
    });
  }
  for (const op of ['And', 'Or', 'Xor']) {
    it(op, async () => {
      const a = tg.NDArray.from([1, 0, 1, 0], [4], 'bool');
      const b = tg.NDArray.from([1, 1, 0, 0], [4], 'bool');
      const { model, feeds } = singleOp(op, 13, [a, b]);
      await checkImport(model, feeds);
    });
  }
  it('Not', async () => {
    const { model, feeds } = singleOp('Not', 13, [tg.NDArray.from([1, 0, 1], [3], 'bool')]);
    await checkImport(model, feeds);
  });
  const acts: [string, Record<string, { f: number }>][] = [
    ['LeakyRelu', {}], ['LeakyRelu', { alpha: { f: 0.3 } }], ['Elu', {}], ['Elu', { alpha: { f: 0.5 } }], ['Selu', {}],
    ['Selu', { alpha: { f: 1.5 }, gamma: { f: 2 } }], ['HardSigmoid', {}], ['HardSigmoid', { alpha: { f: 0.3 }, beta: { f: 0.4 } }],
  ];
  for (const [op, attrs] of acts) {
    it(`${op} ${JSON.stringify(attrs)}`, async () => {
      const { model, feeds } = singleOp(op, 13, [x], attrs);
      await checkImport(model, feeds, 1e-5);
    });
  }
  it('Mod: fmod=0 on integers (divisor sign), fmod=1 on integers and floats (dividend sign)', async () => {
    const a = i64([7, -7, 7, -7, 5, 0]);
    const b = i64([3, 3, -3, -3, 5, 2]);
    for (const fmod of [0, 1]) {
      const { model, feeds } = singleOp('Mod', 13, [a, b], { fmod: { i: fmod } });
      await checkImport(model, feeds);
    }
    const f = singleOp('Mod', 10, [tg.NDArray.from([5.5, -5.5, 5.5, -5.5], [4]), tg.NDArray.from([2, 2, -2, -2], [4])], { fmod: { i: 1 } });
    await checkImport(f.model, f.feeds, 1e-5);
  });
  it('Tan, ThresholdedRelu, Celu (opset 12), Mish (opset 18)', async () => {
    for (const [op, opset, attrs] of [['Tan', 13, {}], ['ThresholdedRelu', 10, { alpha: { f: 0.3 } }], ['Celu', 12, { alpha: { f: 0.7 } }], ['Mish', 18, {}]] as const) {
      const { model, feeds } = singleOp(op, opset, [x], attrs);
      await checkImport(model, feeds, 1e-5);
    }
  });
  it('HardSwish (opset 14)', async () => {
    const { model, feeds } = singleOp('HardSwish', 14, [f32([10], 3, -5, 5)]);
    await checkImport(model, feeds);
  });
  it('PRelu with a per-channel slope', async () => {
    const { model, feeds } = singleOp('PRelu', 9, [f32([2, 3, 2, 2]), f32([3, 1, 1], 5)]);
    await checkImport(model, feeds);
  });
  for (const approximate of ['none', 'tanh']) {
    it(`Gelu approximate=${approximate} (opset 20)`, async () => {
      const { model, feeds } = singleOp('Gelu', 20, [x], { approximate: { s: approximate } });
      await checkImport(model, feeds, 1e-5);
    });
  }
  it('Clip with attributes (opset 6 semantics at opset 7 to 10)', async () => {
    const { model, feeds } = singleOp('Clip', 7, [x], { min: { f: -0.5 }, max: { f: 0.7 } });
    await checkImport(model, feeds);
  });
  it('Clip with min/max inputs (opset 11+), max omitted', async () => {
    const { model, feeds } = singleOp('Clip', 13, [x, tg.NDArray.scalar(-0.5), null], {}, { consts: [1] });
    await checkImport(model, feeds);
    const both = singleOp('Clip', 13, [x, tg.NDArray.scalar(-0.5), tg.NDArray.scalar(0.25)], {}, { consts: [1, 2] });
    await checkImport(both.model, both.feeds);
  });
  for (const [opset, axis] of [[11, 1], [11, 0], [11, 2], [13, -1], [13, 1], [13, 0]] as const) {
    for (const op of ['Softmax', 'LogSoftmax']) {
      it(`${op} opset ${opset} axis ${axis}`, async () => {
        const { model, feeds } = singleOp(op, opset, [x], { axis: { i: axis } });
        await checkImport(model, feeds, 1e-5);
      });
    }
  }
  it('Softmax before opset 13 defaults to axis 1 (coerced to 2-D), from 13 to -1', async () => {
    const old = singleOp('Softmax', 12, [x]);
    const nu = singleOp('Softmax', 13, [x]);
    await checkImport(old.model, old.feeds);
    await checkImport(nu.model, nu.feeds);
    expect(old.model).to.not.deep.equal(nu.model);
  });
});
