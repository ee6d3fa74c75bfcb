import { expect } from 'chai';
import * as tg from '../../../src/index.js';

/**
 * What fusions do with producers that change shape. A fused loop iterates over the broadcast of
 * its leaves, so only ops whose value is that broadcast may join one; implicit broadcasting
 * inside a region is fine and stays fused, explicit BroadcastTo and Tile stay separate steps.
 */
async function onAndOff(g: tg.Graph, fetches: tg.Tensor[], feeds: Map<tg.Tensor, tg.NDArray>): Promise<{ on: tg.NDArray[]; off: tg.NDArray[]; types: string[] }> {
  const md = new tg.RunMetadata();
  const on = (await new tg.Session({ graph: g, debug: { verifyPasses: true } }).run(fetches, feeds, { runMetadata: md })) as tg.NDArray[];
  const off = (await new tg.Session({ graph: g, optimizer: { disable: ['all'] } }).run(fetches, feeds)) as tg.NDArray[];
  return { on, off, types: md.stepStats[0].nodeStats.map((s) => s.opType) };
}

const col = tg.NDArray.from(Float32Array.from([1, 2, 3, 4]), [4, 1]);
const row = tg.NDArray.from(Float32Array.from([10, 20, 30]), [1, 3]);

describe('compiler: fusions and producers that change shape', () => {
  it('fuse-reduction keeps a region whose value is larger than every input: sum(col[4,1] * row[1,3]) counts 12 products', async () => {
    const g = new tg.Graph();
    const { a, b, y } = g.asDefault(() => {
      const a = tg.placeholder('float32', [4, 1], 'a');
      const b = tg.placeholder('float32', [1, 3], 'b');
      return { a, b, y: tg.reduceMean(tg.mul(tg.add(a, 0.5), b)) };
    });
    const { on, off, types } = await onAndOff(g, [y], new Map([[a, col], [b, row]]));
    expect(types).to.deep.equal(['_FusedReduce']);
    expect(on[0].item()).to.be.closeTo(((1.5 + 2.5 + 3.5 + 4.5) * 60) / 12, 1e-4);
    expect(on[0].item()).to.equal(off[0].item());
  });

  it('fuse-elementwise leaves BroadcastTo and Tile out of a region; the values match', async () => {
    const g = new tg.Graph();
    const { a, y } = g.asDefault(() => {
      const a = tg.placeholder('float32', [4, 1], 'a');
      const b = tg.relu(tg.broadcastTo(tg.neg(a), [2, 4, 3]));
      return { a, y: tg.sigmoid(tg.tile(tg.mul(b, 2), [1, 1, 2])) };
    });
    const { on, off, types } = await onAndOff(g, [y], new Map([[a, col]]));
    expect(types).to.include.members(['BroadcastTo', 'Tile']);
    expect(on[0].shape).to.deep.equal([2, 4, 6]);
    expect(Array.from(on[0].data)).to.deep.equal(Array.from(off[0].data));
  });

  it('fuse-epilogue fuses no BroadcastTo, and no operand larger than the product', async () => {
    const g = new tg.Graph();
    const { x, ys } = g.asDefault(() => {
      const x = tg.placeholder('float32', [1, 3], 'x');
      const w = tg.constant([[1, 0], [0, 1], [1, 1]]);
      const big = tg.constant([[1, 2], [3, 4], [5, 6]]);
      return { x, ys: [tg.broadcastTo(tg.matMul(x, w), [1, 2]), tg.add(tg.matMul(x, w, {}, 'mm2'), big), tg.reduceSum(tg.broadcastTo(tg.matMul(x, w, {}, 'mm3'), [5, 2]))] };
    });
    const { on, off, types } = await onAndOff(g, ys, new Map([[x, row]]));
    expect(types.filter((t) => t === '_FusedMatMul')).to.have.length(0);
    expect(on.map((v) => v.shape)).to.deep.equal([[1, 2], [3, 2], []]);
    expect(on.map((v) => Array.from(v.data))).to.deep.equal(off.map((v) => Array.from(v.data)));
    expect(on[2].item()).to.equal(5 * (40 + 50));
  });
});
