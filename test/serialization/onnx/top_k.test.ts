import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { randomArray } from '../../util/oracle.js';
import { checkExport, nodeTypes } from './helpers.js';

const ints = (v: number[], shape = [v.length]): tg.NDArray => tg.NDArray.from(Int32Array.from(v), shape, 'int32');

describe('serialization/onnx: topK and inTopK agree with ONNX Runtime', () => {
  it('topK: values and int32 indices, ties lower index first, constant and fed k, float and int inputs', async () => {
    const ties = tg.NDArray.from([[1, 3, 3, 0, 3, 1], [2, 2, 2, 2, 2, 2]]);
    const model = await checkExport(() => {
      const x = tg.placeholder('float32', [null, 6], 'x');
      const k = tg.placeholder('int32', [], 'k');
      const xi = tg.placeholder('int32', [2, 6], 'xi');
      const a = tg.nn.topK(x, 3);
      const b = tg.nn.topK(x, k);
      const c = tg.nn.topK(xi, 2);
      return [a.values, a.indices, b.values, b.indices, c.values, c.indices];
    }, [
      { 'x:0': randomArray([3, 6], 1, -3, 3), 'k:0': ints([4], []), 'xi:0': ints([5, 1, 5, 0, 9, 9, -2, -2, 0, 7, 7, 7], [2, 6]) },
      { 'x:0': ties, 'k:0': ints([6], []), 'xi:0': ints([0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6], [2, 6]) },
    ]);
    expect(nodeTypes(model)).to.include('TopK');
  });
  it('inTopK: ties counted in, non-finite rows and out-of-range targets false, fed k', async () => {
    const p = tg.NDArray.from([[1, 3, 3, 0], [1, 3, 3, 0], [2, 2, 2, 2], [5, 1, 1, 1], [1, NaN, 0, 0], [Infinity, 1, 0, 0], [3, 2, 1, 0], [3, 2, 1, 0]]);
    await checkExport(() => {
      const pred = tg.placeholder('float32', [null, 4], 'p');
      const t = tg.placeholder('int32', [null], 't');
      const k = tg.placeholder('int32', [], 'k');
      return [tg.cast(tg.nn.inTopK(pred, t, 1), 'int32'), tg.cast(tg.nn.inTopK(pred, t, k), 'int32')];
    }, [
      { 'p:0': p, 't:0': ints([2, 0, 3, 3, 0, 1, 4, -1]), 'k:0': ints([2], []) },
      { 'p:0': randomArray([5, 4], 3), 't:0': ints([0, 1, 2, 3, 0]), 'k:0': ints([3], []) },
    ]);
  });
});
