import { expect } from 'chai';
import * as tg from '../../../src/index.js';

type Build = (p: tg.Tensor, q: tg.Tensor) => tg.Tensor;

/** Runs `build` on string placeholders fed `a`, `b`, and on float32 ones fed their positions. */
async function both(build: Build, a: string[], aShape: number[], b: string[], bShape: number[]): Promise<{ got: unknown; want: unknown }> {
  const g = new tg.Graph();
  const { s, n } = g.asDefault(() => ({
    s: build(tg.placeholder('string', aShape, 'sa'), tg.placeholder('string', bShape, 'sb')),
    n: build(tg.placeholder('float32', aShape, 'na'), tg.placeholder('float32', bShape, 'nb')),
  }));
  const sess = new tg.Session({ graph: g });
  const got = ((await sess.run(s, { sa: tg.NDArray.fromStrings(a, aShape), sb: tg.NDArray.fromStrings(b, bShape) })) as tg.NDArray).toArray();
  // the oracle: the numeric kernel moving element positions (a's 0.., then b's), mapped to the strings
  const all = [...a, ...b];
  const pos = (k: number, len: number, base: number) => tg.NDArray.from(Float32Array.from({ length: len }, (_, i) => base + i), k === 0 ? aShape : bShape);
  const moved = (await sess.run(n, { na: pos(0, a.length, 0), nb: pos(1, b.length, a.length) })) as tg.NDArray;
  const want = tg.NDArray.fromStrings(Array.from(moved.data, (p) => all[p]), moved.shape).toArray();
  return { got, want };
}

const A = ['a', 'bé', '', 'd', 'e', 'f'];
const B = ['x', 'y', 'z'];

describe('runtime/cpu: Tile, ConcatV2, GatherV2 and Slice move strings as they move numbers', () => {
  it('Tile', async () => {
    const { got, want } = await both((p) => tg.tile(p, [2, 2]), A, [2, 3], B, [3]);
    expect(got).to.deep.equal([['a', 'bé', '', 'a', 'bé', ''], ['d', 'e', 'f', 'd', 'e', 'f'], ['a', 'bé', '', 'a', 'bé', ''], ['d', 'e', 'f', 'd', 'e', 'f']]);
    expect(got).to.deep.equal(want);
  });

  it('ConcatV2 on either axis', async () => {
    const r0 = await both((p, q) => tg.concat([p, tg.reshape(q, [1, 3])], 0), A, [2, 3], B, [3]);
    expect(r0.got).to.deep.equal([['a', 'bé', ''], ['d', 'e', 'f'], ['x', 'y', 'z']]);
    expect(r0.got).to.deep.equal(r0.want);
    const r1 = await both((p, q) => tg.concat([p, tg.reshape(q, [1, 3]), tg.reshape(q, [1, 3])], 0), A, [2, 3], B, [3]);
    expect(r1.got).to.deep.equal(r1.want);
    const r2 = await both((p, q) => tg.concat([q, p], 1), A, [3, 2], B, [3, 1]);
    expect(r2.got).to.deep.equal([['x', 'a', 'bé'], ['y', '', 'd'], ['z', 'e', 'f']]);
    expect(r2.got).to.deep.equal(r2.want);
  });

  it('GatherV2 on axis 0 and 1; an index out of range is the numeric kernel’s typed error', async () => {
    const r0 = await both((p) => tg.gather(p, [1, 0, 1]), A, [2, 3], B, [3]);
    expect(r0.got).to.deep.equal([['d', 'e', 'f'], ['a', 'bé', ''], ['d', 'e', 'f']]);
    expect(r0.got).to.deep.equal(r0.want);
    const r1 = await both((p) => tg.gather(p, [[2], [0]], 1), A, [2, 3], B, [3]);
    expect(r1.got).to.deep.equal([[[''], ['a']], [['f'], ['d']]]);
    expect(r1.got).to.deep.equal(r1.want);
    const g = new tg.Graph();
    const y = g.asDefault(() => tg.gather(tg.placeholder('string', [3], 'p'), [3]));
    await new tg.Session({ graph: g }).run(y, { p: B }).then(
      () => expect.fail('gather out of range ran'),
      (e: unknown) => expect(String(e)).to.match(/indices\[0\] = 3 is not in \[0, 3\)/),
    );
  });

  it('Slice', async () => {
    const r = await both((p) => tg.slice(p, [0, 1], [2, 2]), A, [2, 3], B, [3]);
    expect(r.got).to.deep.equal([['bé', ''], ['e', 'f']]);
    expect(r.got).to.deep.equal(r.want);
    const empty = await both((p) => tg.slice(p, [1, 0], [0, 3]), A, [2, 3], B, [3]);
    expect(empty.got).to.deep.equal([]);
  });
});
