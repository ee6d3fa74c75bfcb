import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { checkImport, f32, i64, makeModel } from './helpers.js';

/** A one-node TopK model: values float32, indices int64; K an initializer from opset 10, an attribute before. */
function topKModel(opset: number, shape: number[], k: number, attrs: Record<string, { i: number }>): { model: Uint8Array; feeds: Record<string, tg.NDArray> } {
  const kInput = opset >= 10;
  const model = makeModel({
    opset,
    nodes: [{ op: 'TopK', inputs: kInput ? ['x', 'k'] : ['x'], outputs: ['values', 'indices'], attrs: kInput ? attrs : { ...attrs, k: { i: k } } }],
    inputs: [{ name: 'x', dtype: 'float32', shape }],
    outputs: [{ name: 'values', dtype: 'float32', shape: null }, { name: 'indices', dtype: 'int64', shape: null }],
    initializers: kInput ? { k: i64([k]) } : {},
  });
  return { model, feeds: { x: f32(shape, shape.length + k, -2, 2) } };
}

describe('ONNX import: TopK as TopKV2', () => {
  it('K as an input (opset 11) on the last axis and on an inner axis, and as an attribute (opset 9); ties as in ONNX Runtime', async () => {
    for (const [shape, k, axis] of [[[3, 6], 2, -1], [[2, 5, 3], 3, 1], [[4, 3], 4, 0]] as [number[], number, number][]) {
      const { model, feeds } = topKModel(11, shape, k, { axis: { i: axis } });
      await checkImport(model, feeds);
    }
    const v1 = topKModel(9, [3, 5], 2, {});
    await checkImport(v1.model, v1.feeds);
    const ties = topKModel(11, [2, 4], 3, {});
    await checkImport(ties.model, { x: tg.NDArray.from([[1, 3, 3, 3], [0, 0, 0, 0]]) });
  });
  it('refuses largest=0, naming the node', async () => {
    const { model } = topKModel(11, [2, 3], 1, { largest: { i: 0 } });
    let err: unknown = null;
    try {
      await tg.onnx.importModel(model);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(tg.UnimplementedError);
    expect((err as Error).message).to.match(/TopK[\s\S]*largest=0/);
  });
});
