import { expect } from 'chai';
import * as tg from '../../src/index.js';

/** Builds metrics over two placeholders, runs each update op over the batches, returns the values after each and at the end. */
async function stream(make: (labels: tg.Tensor, predictions: tg.Tensor) => [tg.Tensor, tg.Tensor], batches: [number[], number[]][]): Promise<{ after: number[]; final: number; reset: number; locals: string[] }> {
  const g = new tg.Graph();
  const t = g.asDefault(() => {
    const labels = tg.placeholder('float32', [null], 'labels');
    const predictions = tg.placeholder('float32', [null], 'predictions');
    const [value, update] = make(labels, predictions);
    return { value, update, local: tg.localVariablesInitializer() };
  });
  const sess = new tg.Session({ graph: g });
  await sess.run(t.local);
  const after: number[] = [];
  for (const [l, p] of batches) after.push(((await sess.run(t.update, { 'labels:0': l, 'predictions:0': p })) as tg.NDArray).item());
  const final = ((await sess.run(t.value)) as tg.NDArray).item();
  await sess.run(t.local);
  const reset = ((await sess.run(t.value)) as tg.NDArray).item();
  return { after, final, reset, locals: tg.localVariables(g).map((v) => v.op.name) };
}

/** The same statistic over everything seen so far, computed directly in float64. */
function running(batches: [number[], number[]][], stat: (l: number[], p: number[]) => number): number[] {
  return batches.map((_b, i) => stat(batches.slice(0, i + 1).flatMap((b) => b[0]), batches.slice(0, i + 1).flatMap((b) => b[1])));
}

const BATCHES: [number[], number[]][] = [
  [[1, 0, 1, 1], [0.5, 0, 0, 2]],
  [[0, 0, 1], [1, 0, 3]],
  [[1, 1], [0, -1]],
];
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const safeDiv = (a: number, b: number): number => (b === 0 ? 0 : a / b);

describe('tg.metrics: streaming metrics over several runs', () => {
  const cases: [string, (l: tg.Tensor, p: tg.Tensor) => [tg.Tensor, tg.Tensor], (l: number[], p: number[]) => number, string[]][] = [
    ['meanSquaredError', (labels, predictions) => tg.metrics.meanSquaredError({ labels, predictions }), (l, p) => sum(l.map((x, i) => (p[i] - x) ** 2)) / l.length, ['mean_squared_error/total', 'mean_squared_error/count']],
    ['meanAbsoluteError', (labels, predictions) => tg.metrics.meanAbsoluteError({ labels, predictions }), (l, p) => sum(l.map((x, i) => Math.abs(p[i] - x))) / l.length, ['mean_absolute_error/total', 'mean_absolute_error/count']],
    ['precision', (labels, predictions) => tg.metrics.precision({ labels, predictions }), (l, p) => safeDiv(sum(l.map((x, i) => (x && p[i] ? 1 : 0))), sum(p.map((x) => (x ? 1 : 0)))), ['precision/true_positives', 'precision/false_positives']],
    ['recall', (labels, predictions) => tg.metrics.recall({ labels, predictions }), (l, p) => safeDiv(sum(l.map((x, i) => (x && p[i] ? 1 : 0))), sum(l.map((x) => (x ? 1 : 0)))), ['recall/true_positives', 'recall/false_negatives']],
  ];
  for (const [name, make, stat, locals] of cases) {
    it(`${name}: after each batch equals the statistic over all batches so far; localVariablesInitializer resets it`, async () => {
      const r = await stream(make, BATCHES);
      const want = running(BATCHES, stat);
      r.after.forEach((v, i) => expect(v, `after batch ${i}`).to.be.closeTo(want[i], 1e-6));
      expect(r.final).to.be.closeTo(want[want.length - 1], 1e-6);
      expect(r.reset).to.equal(0);
      expect(r.locals).to.deep.equal(locals);
    });
  }
  it('precision and recall are 0 before anything is counted (no NaN), and refuse labels and predictions of different rank', async () => {
    const r = await stream((labels, predictions) => tg.metrics.precision({ labels, predictions }), [[[1, 1], [0, 0]]]);
    expect(r.after).to.deep.equal([0]);
    const g = new tg.Graph();
    g.asDefault(() => {
      expect(() => tg.metrics.recall({ labels: tg.placeholder('float32', [2, 2], 'l'), predictions: tg.placeholder('float32', [4], 'p') })).to.throw(tg.InvalidArgumentError, /tf.metrics.recall: labels 'l:0' and predictions 'p:0' must have the same rank, got 2 and 1/);
    });
  });
});
