import { expect } from 'chai';
import * as tg from '../../../src/index.js';

/**
 * A fused region must give what its ops give one by one, and each op stores a float32: so every
 * float32 value inside a fused loop is a float32 too, not a double that happens to be more exact.
 * A double intermediate shows through a discontinuous op (floor, comparisons, casts to int) and
 * through float32 overflow.
 */
async function fusedAndNot(build: (x: tg.Tensor) => tg.Tensor, xs: readonly number[]): Promise<{ on: number[]; off: number[]; types: string[] }> {
  const g = new tg.Graph();
  const { x, y } = g.asDefault(() => {
    const x = tg.placeholder('float32', [xs.length], 'x');
    return { x, y: build(x) };
  });
  const feeds = new Map([[x, tg.NDArray.from(Float32Array.from(xs), [xs.length])]]);
  const md = new tg.RunMetadata();
  const on = (await new tg.Session({ graph: g }).run(y, feeds, { runMetadata: md })) as tg.NDArray;
  const off = (await new tg.Session({ graph: g, optimizer: { disable: ['all'] } }).run(y, feeds)) as tg.NDArray;
  return { on: Array.from(on.data), off: Array.from(off.data), types: md.stepStats[0].nodeStats.map((s) => s.opType) };
}

describe('compiler: fused elementwise loops round every float32 value as the ops would store it', () => {
  it('floor(x * 10) for x = 0.7f is 7 fused, as unfused (x * 10 rounds to 7 in float32; in double it is 6.9999999)', async () => {
    const { on, off, types } = await fusedAndNot((x) => tg.floor(tg.mul(x, 10)), [0.7, 0.3, 0.9]);
    expect(types).to.deep.equal(['FusedElementwise']);
    expect(off).to.deep.equal([7, 3, 9]);
    expect(on).to.deep.equal(off);
  });

  it('x² - x² overflows to NaN fused, as unfused, for x = 1e20', async () => {
    const { on, off, types } = await fusedAndNot((x) => {
      const s = tg.square(x);
      return tg.sub(s, s);
    }, [1e20, 2]);
    expect(types).to.deep.equal(['FusedElementwise']);
    expect(off.map(String)).to.deep.equal(['NaN', '0']);
    expect(on.map(String)).to.deep.equal(off.map(String));
  });

  it('a comparison after arithmetic, and a fused reduction of it, agree with the ops one by one', async () => {
    const { on, off } = await fusedAndNot((x) => tg.reduceSum(tg.cast(tg.greaterEqual(tg.mul(x, 10), 7), 'float32')), [0.7, 0.69, 0.71]);
    expect(off).to.deep.equal([2]);
    expect(on).to.deep.equal(off);
  });

  it('a fused region with a scalar constant of -Infinity or -0 compiles and runs (x - c once gave the JS `x--Infinity`)', async () => {
    for (const c of [-Infinity, -0]) {
      const { on, off, types } = await fusedAndNot((x) => tg.relu(tg.sub(tg.mul(x, 2), tg.constant(c))), [1, -2]);
      expect(types).to.include('FusedElementwise');
      expect(on).to.deep.equal(off);
    }
  });

  it('a constant sub-expression inside a fused loop is rounded too: floor(-0.6f * 10) + x is -6 + x with folding off', async () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [2], 'x');
      return { x, y: tg.add(tg.floor(tg.mul(tg.constant(-0.6), 10)), x) };
    });
    const feeds = new Map([[x, tg.NDArray.from(Float32Array.from([0, 1]), [2])]]);
    const fused = (await new tg.Session({ graph: g, optimizer: { only: ['fuse-elementwise'] } }).run(y, feeds)) as tg.NDArray;
    const off = (await new tg.Session({ graph: g, optimizer: { disable: ['all'] } }).run(y, feeds)) as tg.NDArray;
    expect(Array.from(off.data)).to.deep.equal([-6, -5]);
    expect(Array.from(fused.data)).to.deep.equal(Array.from(off.data));
  });
});
