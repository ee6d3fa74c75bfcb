import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { expectClose, randomArray } from '../../util/oracle.js';

describe('graph/passes: fuse-reduction (a full reduction as a region epilogue)', () => {
  for (const [name, reduce] of [
    ['reduceMean', tg.reduceMean],
    ['reduceSum', tg.reduceSum],
    ['reduceMax', tg.reduceMax],
    ['reduceMin', tg.reduceMin],
  ] as const) {
    it(`${name}(square(y - t) * 0.5) runs as one _FusedReduce kernel with unchanged results`, async () => {
      const g = new tg.Graph();
      const { y, t, loss } = g.asDefault(() => {
        const y = tg.placeholder('float32', [null, 7], 'y');
        const t = tg.placeholder('float32', [7], 't');
        return { y, t, loss: reduce(tg.mul(tg.square(tg.sub(y, t)), 0.5)) };
      });
      const feeds = new Map([[y, randomArray([5, 7], 1)], [t, randomArray([7], 2)]]);
      const md = new tg.RunMetadata();
      const on = (await new tg.Session({ graph: g }).run(loss, feeds, { runMetadata: md })) as tg.NDArray;
      const off = (await new tg.Session({ graph: g, optimizer: { disable: ['all'] } }).run(loss, feeds)) as tg.NDArray;
      expectClose(on, off, 1e-6, 1e-7);
      expect(md.stepStats[0].nodeStats.map((s) => s.opType)).to.deep.equal(['_FusedReduce']);
    });
  }
  it('keeps partial reductions, reductions whose input is read elsewhere, and NaN semantics', async () => {
    const g = new tg.Graph();
    const { x, partial, shared, nan } = g.asDefault(() => {
      const x = tg.placeholder('float32', [3, 4], 'x');
      const sq = tg.square(x);
      return { x, partial: tg.reduceSum(tg.exp(x), 1), shared: tg.add(tg.reduceMax(sq), sq), nan: tg.reduceMax(tg.log(x)) };
    });
    const { program } = tg.optimize(g, [partial, shared], { feeds: ['x:0'] });
    expect(program.nodes.filter((n) => n.type === '_FusedReduce')).to.have.length(0);
    const xv = tg.NDArray.from(Float32Array.from([1, 2, -1, 4, 5, 6, 7, 8, 9, 10, 11, 12]), [3, 4]);
    const a = (await new tg.Session({ graph: g }).run(nan, new Map([[x, xv]]))) as tg.NDArray;
    expect(Number.isNaN(a.item())).to.equal(true);
  });

  describe('reduces over the value the reduction reads, never over a broadcast producer\'s inputs', () => {
    /** Runs `fetches` with the default pipeline and with every pass off. */
    async function both(g: tg.Graph, fetches: tg.Tensor[], feeds: Map<tg.Tensor, tg.NDArray>, init?: tg.Operation): Promise<[tg.NDArray[], tg.NDArray[]]> {
      const out: tg.NDArray[][] = [];
      for (const optimizer of [{}, { disable: ['all'] }]) {
        const s = new tg.Session({ graph: g, optimizer, debug: { verifyPasses: true } });
        if (init) await s.run(init);
        out.push((await s.run(fetches, feeds)) as tg.NDArray[]);
      }
      return [out[0], out[1]];
    }

    for (const [name, reduce, want] of [
      ['reduceSum', tg.reduceSum, 16],
      ['reduceMean', tg.reduceMean, 1],
      ['reduceMax', tg.reduceMax, 1],
    ] as const) {
      it(`${name}(broadcastTo(x, [4, 4])) with x = 1 is ${want} (all 16 elements, not the inputs' 2)`, async () => {
        const g = new tg.Graph();
        const { x, y } = g.asDefault(() => {
          const x = tg.placeholder('float32', [], 'x');
          return { x, y: reduce(tg.broadcastTo(x, [4, 4]), undefined, true) };
        });
        const [on, off] = await both(g, [y], new Map([[x, tg.NDArray.scalar(1)]]));
        expect(Array.from(on[0].data)).to.deep.equal([want]);
        expect(Array.from(off[0].data)).to.deep.equal([want]);
        expect(on[0].shape).to.deep.equal([1, 1]);
      });
    }

    it('reduceSum(broadcastTo(x[1,3], [4,3])) runs (no "Incompatible shapes" between x and the shape vector)', async () => {
      const g = new tg.Graph();
      const { x, y } = g.asDefault(() => {
        const x = tg.placeholder('float32', [1, 3], 'x');
        return { x, y: tg.reduceSum(tg.broadcastTo(x, [4, 3])) };
      });
      const [on, off] = await both(g, [y], new Map([[x, tg.NDArray.from(Float32Array.from([1, 2, 3]), [1, 3])]]));
      expect(on[0].item()).to.equal(24);
      expect(off[0].item()).to.equal(24);
    });

    it('the gradient of reduceSum(x + b) with respect to a scalar variable b over a [4,3] x is 12', async () => {
      const g = new tg.Graph();
      const { x, gb, init } = g.asDefault(() => {
        const x = tg.placeholder('float32', [4, 3], 'x');
        const b = new tg.Variable(tg.constant(0.5), { name: 'b' });
        const [gb] = tg.gradients(tg.reduceSum(tg.add(x, b.value())), [b.value()]);
        return { x, gb: gb!, init: tg.globalVariablesInitializer() };
      });
      const [on, off] = await both(g, [gb], new Map([[x, randomArray([4, 3], 3)]]), init);
      expect(on[0].item()).to.equal(12);
      expect(off[0].item()).to.equal(12);
    });
  });
});
