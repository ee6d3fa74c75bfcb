import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { checkGradients } from '../../util/grad_check.js';
import { expectClose, oracle, randomArray, randomInts, toTf } from '../../util/oracle.js';
import { expectRunError, expectThrow, run } from '../array/helpers.js';
import { distinctArray } from './run_graph.js';

const ints = (v: number[], shape = [v.length]): tg.NDArray => tg.NDArray.from(Int32Array.from(v), shape, 'int32');
const bools = (x: tg.NDArray): boolean[] => Array.from(x.data, (v) => v !== 0);

describe('ops/nn: TopKV2 (tg.nn.topK)', () => {
  const CASES: { shape: number[]; k: number }[] = [
    { shape: [5], k: 3 },
    { shape: [5], k: 5 },
    { shape: [4, 6], k: 1 },
    { shape: [2, 3, 7], k: 4 },
    { shape: [3, 4], k: 0 },
    { shape: [0, 4], k: 2 },
  ];
  it('matches tfjs tf.topk for float and int inputs, values and int32 indices', async () => {
    const tf = await oracle();
    for (const [i, { shape, k }] of CASES.entries()) {
      for (const x of [randomArray(shape, i + 1, -3, 3), randomInts(shape, i + 1, -3, 3)]) {
        const [v, idx] = await run(() => {
          const r = tg.nn.topK(tg.constant(x), k);
          return [r.values, r.indices];
        });
        const want = tf.topk(toTf(x), k, true);
        expect(v.dtype).to.equal(x.dtype);
        expect(idx.dtype).to.equal('int32');
        expectClose(v, want.values, 0, 0, `values ${shape} k=${k} ${x.dtype}`);
        expectClose(idx, want.indices, 0, 0, `indices ${shape} k=${k} ${x.dtype}`);
      }
    }
  });
  it('breaks ties by the lower index, as TF does (tfjs agrees)', async () => {
    const tf = await oracle();
    const x = tg.NDArray.from([[1, 3, 3, 0, 3, 1], [2, 2, 2, 2, 2, 2]]);
    const [v, idx] = await run(() => {
      const r = tg.nn.topK(x, 4);
      return [r.values, r.indices];
    });
    expect(Array.from(idx.data)).to.deep.equal([1, 2, 4, 0, 0, 1, 2, 3]);
    expect(Array.from(v.data)).to.deep.equal([3, 3, 3, 1, 2, 2, 2, 2]);
    expectClose(idx, tf.topk(toTf(x), 4).indices, 0, 0, 'tfjs tie order');
  });
  it('infers input.shape[:-1] + [k], unknown k as an unknown last dim', () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      const r = tg.nn.topK(tg.placeholder('float32', [null, 10]), 3);
      expect(r.values.shape).to.deep.equal([null, 3]);
      expect(r.indices.shape).to.deep.equal([null, 3]);
      expect(r.indices.dtype).to.equal('int32');
      expect(tg.nn.topK(tg.placeholder('float32', [2, 10]), tg.placeholder('int32', [])).values.shape).to.deep.equal([2, null]);
      expect(tg.nn.topK(tg.placeholder('float32'), 2).values.shape).to.equal(null);
    });
  });
  it('refuses k above the last dim, negative k, non-scalar k and a scalar input with TF text', async () => {
    expectThrow(() => tg.nn.topK(tg.placeholder('float32', [2, 3]), 5), tg.InvalidArgumentError, 'input must have at least k columns. Had 3, needed 5');
    expectThrow(() => tg.nn.topK(tg.placeholder('float32', [2, 3]), -1), tg.InvalidArgumentError, 'Need k >= 0, got -1');
    expectThrow(() => tg.nn.topK(tg.placeholder('float32', [2, 3]), [1, 2]), tg.InvalidArgumentError, 'k must be 0-D, got shape [2]');
    expectThrow(() => tg.nn.topK(tg.placeholder('float32', []), 1), tg.InvalidArgumentError, 'input must be >= 1-D');
    // a k known only at run time is checked by the kernel, and the session stays usable
    const ok = await expectRunError(() => {
      const k = tg.placeholder('int32', []);
      const r = tg.nn.topK(tg.constant([[1, 5, 2]]), k);
      return { bad: r.values, good: r.values, badFeeds: new Map([[k, ints([4], [])]]), goodFeeds: new Map([[k, ints([2], [])]]) };
    }, tg.InvalidArgumentError, /input must have at least k columns. Had 3, needed 4[\s\S]*TopKV2/);
    expect(Array.from(ok.data)).to.deep.equal([5, 2]);
  });
  it('gradient: the value gradients scatter back to the chosen positions (finite differences)', async () => {
    await checkGradients(([x]) => tg.nn.topK(x, 3).values, [distinctArray([2, 3, 5], 3)]);
    await checkGradients(([x]) => tg.nn.topK(x, 2).values, [distinctArray([6], 4)]);
  });
  it('gradient with the shape known only at run time', async () => {
    const g = new tg.Graph();
    const { x, dx } = g.asDefault(() => {
      const x = tg.placeholder('float32', null, 'x');
      const v = tg.nn.topK(x, 2).values;
      return { x, dx: tg.gradients(tg.reduceSum(tg.mul(v, tg.constant([[1, 10]]))), [x])[0]! };
    });
    const sess = new tg.Session({ graph: g });
    const got = (await sess.run(dx, new Map([[x, tg.NDArray.from([[0, 5, 3], [7, 1, 9]])]]))) as tg.NDArray;
    expect(Array.from(got.data)).to.deep.equal([0, 1, 10, 10, 0, 1]);
  });
});

describe('ops/nn: InTopKV2 (tg.nn.inTopK)', () => {
  it('matches tfjs tf.inTopKAsync where no ties straddle the boundary', async () => {
    const tf = await oracle();
    const p = distinctArray([6, 8], 5);
    const t = ints([0, 7, 3, 3, 5, 1]);
    for (const k of [1, 3, 8]) {
      const got = await run(() => tg.nn.inTopK(tg.constant(p), tg.constant(t), k));
      expect(got.dtype).to.equal('bool');
      const want = await tf.inTopKAsync(toTf(p), toTf(t), k);
      expect(bools(got), `k=${k}`).to.deep.equal(Array.from(want.dataSync(), (v) => v !== 0));
    }
    // tfjs refuses k = 0; TF answers false for every row
    expect(bools(await run(() => tg.nn.inTopK(tg.constant(p), tg.constant(t), 0)))).to.deep.equal(new Array<boolean>(6).fill(false));
  });
  it('counts ties in (all classes equal to the k-th are in the top k) as TF does', async () => {
    const p = tg.NDArray.from([[1, 3, 3, 0], [1, 3, 3, 0], [2, 2, 2, 2], [5, 1, 1, 1]]);
    const got = await run(() => tg.nn.inTopK(p, tg.constant(ints([2, 0, 3, 3])), 1));
    expect(bools(got)).to.deep.equal([true, false, true, false]);
  });
  it('answers false for a row with a non-finite prediction and for a target out of range', async () => {
    const p = tg.NDArray.from([[1, NaN, 0], [Infinity, 1, 0], [3, 2, 1], [3, 2, 1], [-Infinity, 2, 1]]);
    const got = await run(() => tg.nn.inTopK(p, tg.constant(ints([0, 1, 3, -1, 1])), 3));
    expect(bools(got)).to.deep.equal([false, false, false, false, false]);
  });
  it('refuses bad ranks, mismatched batch and mismatched targets/k types; has no gradient', () => {
    expectThrow(() => tg.nn.inTopK(tg.placeholder('float32', [2, 3, 1]), tg.placeholder('int32', [2]), 1), tg.InvalidArgumentError, 'predictions must be 2-dimensional');
    expectThrow(() => tg.nn.inTopK(tg.placeholder('float32', [2, 3]), tg.placeholder('int32', [2, 1]), 1), tg.InvalidArgumentError, 'targets must be 1-dimensional');
    expectThrow(() => tg.nn.inTopK(tg.placeholder('float32', [2, 3]), tg.placeholder('int32', [4]), 1), tg.InvalidArgumentError, 'First dimension of predictions 2 must match length of targets 4');
    expectThrow(() => tg.nn.inTopK(tg.placeholder('float32', [2, 3]), tg.placeholder('int32', [2]), tg.placeholder('int64', [])), tg.InvalidArgumentError, "Input 'k' of 'InTopKV2' Op has type int64 that does not match type int32");
    const g = new tg.Graph();
    g.asDefault(() => {
      const p = tg.placeholder('float32', [2, 3]);
      const out = tg.cast(tg.nn.inTopK(p, tg.constant(ints([0, 1])), 1), 'float32');
      expect(tg.gradients(tg.reduceSum(out), [p])[0]).to.equal(null);
    });
  });
});
