import type { Attr } from './helpers.js';
import { checkImport, f32, i64, singleOp } from './helpers.js';

describe('ONNX import: reductions', () => {
  const x = f32([2, 3, 4], 1, 0.2, 2);
  const ops = ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];
  for (const op of ops) {
    for (const keepdims of [0, 1]) {
      it(`${op} keepdims ${keepdims}: axes attribute (opset 11), axes input (opset 18, 13 for ReduceSum), all axes`, async () => {
        const attrs: Record<string, Attr> = { keepdims: { i: keepdims } };
        const a = singleOp(op, 11, [x], { ...attrs, axes: { ints: [0, -1] } });
        await checkImport(a.model, a.feeds, 1e-5);
        const inputOpset = op === 'ReduceSum' ? 13 : 18;
        const b = singleOp(op, inputOpset, [x, i64([1])], attrs, { consts: [1] });
        await checkImport(b.model, b.feeds, 1e-5);
        const c = singleOp(op, inputOpset, [x], attrs);
        await checkImport(c.model, c.feeds, 1e-5);
      });
    }
  }
  it('noop_with_empty_axes', async () => {
    const { model, feeds } = singleOp('ReduceSum', 13, [x], { noop_with_empty_axes: { i: 1 } });
    await checkImport(model, feeds);
  });
  for (const op of ['ArgMax', 'ArgMin']) {
    it(`${op} (axis, keepdims)`, async () => {
      for (const [axis, keepdims] of [[0, 1], [-1, 0], [1, 1]]) {
        const { model, feeds } = singleOp(op, 13, [x], { axis: { i: axis }, keepdims: { i: keepdims } }, { outDtype: 'int64' });
        await checkImport(model, feeds);
      }
    });
  }
});
