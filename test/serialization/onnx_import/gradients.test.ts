import * as tg from '../../../src/index.js';
import { checkGradients } from '../../util/grad_check.js';
import type { Attr } from './helpers.js';
import { f32, i64, singleOp } from './helpers.js';

type Case = [label: string, op: string, opset: number, inputs: tg.NDArray[], attrs: Record<string, Attr>, consts?: tg.NDArray[]];

/**
 * Finite-difference checks of the gradients of imported single-op models: the model's inputs are
 * wired (inputMap) to the checker's placeholders, so the gradient goes through whatever the
 * importer composed for the operator.
 */
function check([label, op, opset, inputs, attrs, consts = []]: Case): void {
  it(`${op}: ${label}`, async function () {
    this.timeout(60000);
    const all = [...inputs, ...consts];
    const { model } = singleOp(op, opset, all, attrs, { consts: consts.map((_c, i) => inputs.length + i) });
    await checkGradients((xs) => {
      const inputMap = Object.fromEntries(xs.map((x, i) => [`x${i}`, x]));
      return tg.onnx.importModelBytes(model, { graph: xs[0].graph, inputMap }).outputs[0];
    }, inputs);
  });
}

describe('ONNX import: gradients through imported operators (finite differences)', () => {
  const x = f32([2, 3, 4], 1, -1, 1);
  const cases: Case[] = [
    ['opset 11, axis 1 (2-D coercion)', 'Softmax', 11, [x], { axis: { i: 1 } }],
    ['opset 13, axis 1 (transposed)', 'LogSoftmax', 13, [x], { axis: { i: 1 } }],
    ['alpha 0.5', 'Elu', 13, [x], { alpha: { f: 0.5 } }],
    ['custom alpha, gamma', 'Selu', 13, [x], { alpha: { f: 1.5 }, gamma: { f: 2 } }],
    ['', 'HardSigmoid', 13, [f32([6], 2, -2, 2)], {}],
    ['tanh', 'Gelu', 20, [x], { approximate: { s: 'tanh' } }],
    ['per-channel slope', 'PRelu', 9, [f32([2, 3, 2], 3), f32([3, 1], 4)], {}],
    ['pads, stride 2, groups', 'Conv', 13, [f32([1, 4, 5, 5], 5), f32([2, 2, 3, 3], 6)], { pads: { ints: [1, 0, 1, 2] }, strides: { ints: [2, 2] }, group: { i: 2 } }],
    ['stride 2, pads', 'ConvTranspose', 13, [f32([1, 2, 3, 3], 7), f32([2, 2, 3, 3], 8)], { strides: { ints: [2, 2] }, pads: { ints: [1, 1, 0, 0] } }],
    ['pads and ceil_mode', 'MaxPool', 12, [f32([1, 1, 5, 5], 9)], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] }, pads: { ints: [1, 0, 0, 1] }, ceil_mode: { i: 1 } }],
    ['count_include_pad 0 with pads', 'AveragePool', 13, [f32([1, 2, 4, 4], 10)], { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } }],
    ['dilations', 'AveragePool', 19, [f32([1, 1, 6, 6], 11)], { kernel_shape: { ints: [2, 2] }, dilations: { ints: [2, 2] } }],
    ['scale and bias', 'BatchNormalization', 15, [f32([2, 3, 2, 2], 12), f32([3], 13), f32([3], 14)], {}, [f32([3], 15), f32([3], 16, 0.5, 1.5)]],
    ['axis -1', 'LayerNormalization', 17, [f32([2, 5], 17), f32([5], 18), f32([5], 19)], {}],
    ['', 'InstanceNormalization', 13, [f32([1, 2, 3, 3], 20), f32([2], 21), f32([2], 22)], {}],
    ['size 3', 'LRN', 13, [f32([1, 4, 2, 2], 23)], { size: { i: 3 }, alpha: { f: 0.1 } }],
    ['transA, alpha, beta', 'Gemm', 13, [f32([3, 2], 24), f32([3, 4], 25), f32([4], 26)], { transA: { i: 1 }, alpha: { f: 0.5 }, beta: { f: 2 } }],
    ['batched', 'MatMul', 13, [f32([2, 2, 3], 27), f32([3, 2], 28)], {}],
    ['reflect', 'Pad', 13, [f32([2, 4], 29)], { mode: { s: 'reflect' } }, [i64([1, 2, 0, 1])]],
    ['steps', 'Slice', 13, [x], {}, [i64([0, 3]), i64([2 ** 62, 0]), i64([1, 2]), i64([2, -2])]],
    ['negative indices', 'Gather', 13, [x], { axis: { i: 1 } }, [i64([-1, 0])]],
    ['axes as input', 'ReduceLogSumExp', 18, [x], { keepdims: { i: 0 } }, [i64([1])]],
    ['', 'ReduceL2', 13, [f32([3, 4], 30, 0.5, 1)], { axes: { ints: [1] } }],
    ['bidirectional', 'Expand', 13, [f32([3, 1], 31)], {}, [i64([2, 1, 4])]],
    ['', 'CumSum', 14, [x], { reverse: { i: 1 } }, [i64([2], [])]],
    ['', 'Div', 13, [x, f32([4], 32, 1, 2)], {}],
    ['both operands', 'Pow', 13, [f32([4], 33, 0.5, 2), f32([4], 34, 0.5, 2)], {}],
    ['linear, half_pixel, scales 2 x 1.5', 'Resize', 13, [f32([1, 1, 3, 4], 35)], { mode: { s: 'linear' } }, [tg.NDArray.from([], [0]), tg.NDArray.from([1, 1, 2, 1.5], [4])]],
    ['axis 2', 'Flatten', 13, [x], { axis: { i: 2 } }],
  ];
  cases.forEach(check);
});
