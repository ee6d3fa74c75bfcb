import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../../src/index.js';
import { checkGradients } from '../../util/grad_check.js';

async function run1(build: () => tg.Tensor, feeds?: Record<string, tg.FeedValue>): Promise<tg.NDArray> {
  const g = new tg.Graph();
  const t = g.asDefault(build);
  return (await new tg.Session({ graph: g }).run(t, feeds)) as tg.NDArray;
}

async function rejects(p: Promise<unknown>, type: new (...a: never[]) => Error, msg: RegExp): Promise<void> {
  await p.then(
    () => expect.fail(`expected ${type.name}`),
    (e: unknown) => {
      expect(e).to.be.instanceOf(type);
      expect(String(e)).to.match(msg);
    },
  );
}

describe('ops/strings: StringJoin, ShardedFilename', () => {
  it('StringJoin joins elementwise with the separator; scalars repeat', async () => {
    const v = await run1(() => tg.stringJoin([tg.constant(['a', 'b']), 'x', tg.constant(['1', '2'])], '-'));
    expect(v.toArray()).to.deep.equal(['a-x-1', 'b-x-2']);
    expect((await run1(() => tg.stringJoin(['p', 'q']))).toArray()).to.equal('pq');
  });

  it('StringJoin refuses numbers and mismatched shapes', () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      expect(() => tg.stringJoin([tg.constant([1])])).to.throw(tg.InvalidArgumentError, /DataType float32 not in list of allowed values: string/);
      expect(() => tg.stringJoin([tg.constant(['a', 'b']), tg.constant(['c'])])).to.throw(tg.InvalidArgumentError, /StringJoin/);
    });
  });

  it('ShardedFilename: basename-SSSSS-of-NNNNN', async () => {
    expect((await run1(() => tg.shardedFilename('/tmp/m', 3, 12))).toArray()).to.equal('/tmp/m-00003-of-00012');
    const g = new tg.Graph();
    g.asDefault(() => expect(() => tg.shardedFilename(tg.constant(['a', 'b']), 0, 1)).to.throw(tg.InvalidArgumentError, /basename must be a scalar/));
  });
});

describe('ops/array: DynamicStitch', () => {
  it("places each data row at its index; later inputs win (TF's example)", async () => {
    const v = await run1(() =>
      tg.dynamicStitch(
        [tg.constant(6, { dtype: 'int32' }), tg.constant([4, 1], { dtype: 'int32' }), tg.constant([[5, 2], [0, 3]], { dtype: 'int32' })],
        [tg.constant([61, 62]), tg.constant([[41, 42], [11, 12]]), tg.constant([[[51, 52], [21, 22]], [[1, 2], [31, 32]]])],
      ),
    );
    expect(v.toArray()).to.deep.equal([[1, 2], [11, 12], [21, 22], [31, 32], [41, 42], [51, 52], [61, 62]]);
    const dup = await run1(() => tg.dynamicStitch([[0, 1], [1]], [tg.constant([1, 2]), tg.constant([9])]));
    expect(dup.toArray()).to.deep.equal([1, 9]);
    const s = await run1(() => tg.dynamicStitch([[1], [0]], [tg.constant(['b']), tg.constant(['a'])]));
    expect(s.toArray()).to.deep.equal(['a', 'b']);
  });

  it('refuses negative indices and data whose shape does not start with its indices', async () => {
    await rejects(run1(() => tg.dynamicStitch([tg.placeholder('int32', [1], 'i')], [tg.constant([1])]), { i: [-1] }), tg.InvalidArgumentError, /negative/);
    const g = new tg.Graph();
    g.asDefault(() => expect(() => tg.dynamicStitch([[0, 1]], [tg.constant([1, 2, 3])])).to.throw(tg.InvalidArgumentError, /does not start with indices\[0\]/));
  });

  it('gradient: each data input gets the output gradient at its indices (finite differences)', async () => {
    await checkGradients(([a, b]) => tg.mul(tg.dynamicStitch([[0, 2], [1]], [a, b]), tg.constant([[1, 2], [3, 4], [5, 6]])), [
      tg.NDArray.from([[0.1, 0.2], [0.3, 0.4]]),
      tg.NDArray.from([[0.5, 0.6]]),
    ]);
  });
});

describe('ops/io: SaveV2, RestoreV2, MergeV2Checkpoints', () => {
  it('SaveV2 then RestoreV2 round-trips tensors of each dtype, strings included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-savev2-'));
    const prefix = join(dir, 'sub', 'ckpt');
    const g = new tg.Graph();
    const { save, restored } = g.asDefault(() => {
      const save = tg.saveV2(prefix, ['w', 'n', 's'], [tg.constant([1.5, 2]), tg.constant([3], { dtype: 'int32' }), tg.constant(['hi'])]);
      const restored = tg.restoreV2(prefix, ['s', 'w'], ['string', 'float32']);
      return { save, restored };
    });
    const sess = new tg.Session({ graph: g });
    await sess.run(save);
    const [s, w] = (await sess.run(restored)) as tg.NDArray[];
    expect(s.toArray()).to.deep.equal(['hi']);
    expect(w.toArray()).to.deep.equal([1.5, 2]);
  });

  it('RestoreV2 names a missing key and a dtype that differs from the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-restorev2-'));
    const prefix = join(dir, 'ckpt');
    const g = new tg.Graph();
    const [save, missing, wrong] = g.asDefault(() => [
      tg.saveV2(prefix, ['w'], [tg.constant([1])]),
      tg.restoreV2(prefix, ['nope'], ['float32'])[0],
      tg.restoreV2(prefix, ['w'], ['int32'])[0],
    ]);
    const sess = new tg.Session({ graph: g });
    await sess.run(save);
    await rejects(sess.run(missing), tg.NotFoundError, /Key nope not found in checkpoint/);
    await rejects(sess.run(wrong), tg.InvalidArgumentError, /tensor_name = w; expected dtype int32 does not equal original dtype float32/);
  });

  it('MergeV2Checkpoints merges two shards into one prefix, renames the data files and removes the emptied dirs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-merge-'));
    const parts = [join(dir, 'tmp0', 'part-0'), join(dir, 'tmp1', 'part-1')];
    const dest = join(dir, 'model');
    const g = new tg.Graph();
    const [s0, s1, merge] = g.asDefault(() => [
      tg.saveV2(parts[0], ['a'], [tg.constant([1, 2])]),
      tg.saveV2(parts[1], ['b'], [tg.constant(['z'])]),
      tg.mergeV2Checkpoints(tg.constant(parts), dest, true),
    ]);
    const sess = new tg.Session({ graph: g });
    await sess.run([s0, s1]);
    await sess.run(merge);
    expect(readdirSync(dir).sort()).to.deep.equal(['model.data-00000-of-00002', 'model.data-00001-of-00002', 'model.index']);
    expect(tg.train.listVariables(dest)).to.deep.equal([['a', [2]], ['b', [1]]]);
    expect(tg.train.loadVariable(dest, 'a').toArray()).to.deep.equal([1, 2]);
    expect(tg.train.loadVariable(dest, 'b').toArray()).to.deep.equal(['z']);
    expect(existsSync(join(dir, 'tmp0'))).to.equal(false);
  });
});
