import * as tg from '../../../src/index.js';
import type { Attr } from './helpers.js';
import { checkImport, f32, i64, singleOp } from './helpers.js';

type Case = [op: string, inputs: (tg.NDArray | null)[], attrs: Record<string, Attr>, consts: number[], outputs?: number];

/**
 * The newest opsets ONNX Runtime 1.30 loads (21 to 25): operators whose inputs or attributes
 * moved in earlier opsets keep the newest form, and the importer agrees with ORT on each.
 */
describe('ONNX import: opsets 21 to 25', () => {
  const x = f32([2, 3, 4, 4], 1);
  const cases: Case[] = [
    ['Conv', [x, f32([2, 3, 3, 3], 2)], { pads: { ints: [1, 0, 1, 2] } }, [1]],
    ['MaxPool', [x], { kernel_shape: { ints: [2, 2] }, ceil_mode: { i: 1 }, strides: { ints: [3, 3] } }, []],
    ['AveragePool', [x], { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] }, dilations: { ints: [1, 2] } }, []],
    ['Reshape', [x, i64([0, -1])], {}, [1]],
    ['Squeeze', [f32([2, 1, 3]), i64([1])], {}, [1]],
    ['Unsqueeze', [f32([2, 3]), i64([0])], {}, [1]],
    ['Split', [f32([5, 2])], { num_outputs: { i: 2 } }, [], 2],
    ['Pad', [x, i64([1, 2, 0, 1]), null, i64([2, 3])], { mode: { s: 'edge' } }, [1, 3]],
    ['ReduceMean', [x, i64([1, 2])], { keepdims: { i: 0 } }, [1]],
    ['Softmax', [x], { axis: { i: 1 } }, []],
    ['Gelu', [x], {}, []],
    ['LayerNormalization', [x, f32([4], 3), f32([4], 4)], {}, [1, 2]],
    ['Resize', [x, null, tg.NDArray.from([1, 1, 1.5, 2], [4])], { mode: { s: 'linear' } }, [2]],
    ['Flatten', [x], { axis: { i: 2 } }, []],
    ['Slice', [x, i64([1]), i64([-1]), i64([3])], {}, [1, 2, 3]],
  ];
  for (const opset of [21, 22, 23, 24, 25]) {
    it(`opset ${opset}: ${cases.map((c) => c[0]).join(', ')}`, async () => {
      for (const [op, inputs, attrs, consts, outputs] of cases) {
        const { model, feeds } = singleOp(op, opset, inputs, attrs, { consts, outputs });
        await checkImport(model, feeds, 1e-5);
      }
    });
  }
});
