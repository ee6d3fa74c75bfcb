import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { describeEachBackend, TestBackend } from '../support/backends.js';

/**
 * Copy semantics, as TF: what `run` returns never shares memory with what the session keeps
 * (variables, constants, folded values) or with what the caller fed, and what the caller hands in
 * (feeds, constants, restored values) is copied, so mutating either side later changes nothing.
 */

function setupOn<T>(backend: TestBackend, build: () => T, options: tg.SessionOptions = {}): { g: tg.Graph; sess: tg.Session; t: T } {
  const g = new tg.Graph();
  const t = g.asDefault(build);
  return { g, sess: new tg.Session({ graph: g, backend, ...options }), t };
}

async function values(sess: tg.Session, t: tg.Tensor | tg.Variable): Promise<number[]> {
  return [...(await sess.run(t)).data];
}

describeEachBackend('Session copy semantics', (backend) => {
  const setup = <T>(build: () => T, options: tg.SessionOptions = {}): { g: tg.Graph; sess: tg.Session; t: T } => setupOn(backend, build, options);

  describe('Session copy semantics: fetched arrays never alias session state', () => {
    it('mutating a fetched variable does not change the variable', async () => {
      const { sess, t } = setup(() => new tg.Variable(tg.constant([1, 2, 3]), { name: 'W' }));
      await sess.run(t.initializer);
      const w = await sess.run(t);
      w.data[1] = -7;
      expect(await values(sess, t)).to.deep.equal([1, 2, 3]);
      // the raw VariableV2 output too, not only W/read
      const raw = await sess.run('W:0');
      raw!.data[0] = -1;
      expect(await values(sess, t)).to.deep.equal([1, 2, 3]);
    });

    it('mutating a fetched Const, a folded constant or a view of a variable changes nothing', async () => {
      const { sess, t } = setup(() => {
        const c = tg.constant([1, 2, 3, 4], { name: 'c' });
        const folded = tg.add(c, tg.constant(10)); // constant-folded at compile time
        const w = new tg.Variable(tg.constant([[5, 6], [7, 8]]), { name: 'W' });
        return { c, folded, w, r: tg.reshape(w, [4]), i: tg.identity(w), s: tg.squeeze(tg.expandDims(w, 0)) };
      });
      await sess.run(t.w.initializer);
      for (const x of [t.c, t.folded, t.r, t.i, t.s]) {
        const before = await values(sess, x);
        (await sess.run(x)).data.fill(-99);
        expect(await values(sess, x), x.name).to.deep.equal(before);
      }
      expect(await values(sess, t.w)).to.deep.equal([5, 6, 7, 8]);
    });

    it('the same holds with the optimizer off', async () => {
      const { sess, t } = setup(() => {
        const w = new tg.Variable(tg.constant([1, 2]), { name: 'W' });
        return { w, c: tg.constant([3, 4]) };
      }, { optimizer: { disable: ['all'] } });
      await sess.run(t.w.initializer);
      (await sess.run(t.w)).data[0] = 100;
      (await sess.run(t.c)).data[0] = 100;
      expect(await values(sess, t.w)).to.deep.equal([1, 2]);
      expect(await values(sess, t.c)).to.deep.equal([3, 4]);
    });

    it('the value an assign returns is not the variable', async () => {
      const { sess, t } = setup(() => {
        const w = new tg.Variable(tg.constant([1, 2]), { name: 'W' });
        return { w, set: w.assign(tg.constant([5, 6])), add: w.assignAdd(tg.constant([1, 1])) };
      });
      await sess.run(t.w.initializer);
      (await sess.run(t.set)).data[0] = -1;
      expect(await values(sess, t.w)).to.deep.equal([5, 6]);
      (await sess.run(t.add)).data[0] = -1;
      expect(await values(sess, t.w)).to.deep.equal([6, 7]);
    });

    it('two different fetches never share memory; one tensor fetched twice gives one array', async () => {
      const { sess, t } = setup(() => {
        const w = new tg.Variable(tg.constant([1, 2]), { name: 'W' });
        const x = tg.placeholder('float32', [2], 'x');
        return { w, x, ix: tg.identity(x), set: w.assign(x) };
      });
      await sess.run(t.w.initializer);
      const [a, b, set, w, again] = await sess.run([t.x, t.ix, t.set, t.w, t.x], { x: [3, 4] });
      expect(a.data.buffer).to.not.equal(b.data.buffer);
      expect(set.data.buffer).to.not.equal(w.data.buffer);
      expect(a.data.buffer).to.not.equal(set.data.buffer);
      expect(again).to.equal(a); // TF's fetch handler also maps a repeated fetch to one value
      a.data[0] = -1;
      expect([...b.data]).to.deep.equal([3, 4]);
      expect(await values(sess, t.w)).to.deep.equal([3, 4]);
    });
  });

  describe('Session copy semantics: what the caller passes in is copied', () => {
    it('fetching a fed tensor does not return the caller\'s array', async () => {
      const { sess, t } = setup(() => tg.placeholder('float32', [3], 'x'));
      const fed = tg.NDArray.from([1, 2, 3]);
      const out = await sess.run(t, new Map([[t, fed]]));
      expect(out.data).to.not.equal(fed.data);
      out.data[0] = 50;
      expect([...fed.data]).to.deep.equal([1, 2, 3]);
      const typed = new Float32Array([4, 5, 6]);
      const out2 = await sess.run(t, { x: typed });
      expect(out2.data.buffer).to.not.equal(typed.buffer);
    });

    it('a variable assigned from a feed does not alias the fed array (NDArray, TypedArray, {data, shape})', async () => {
      const { sess, t } = setup(() => {
        const w = new tg.Variable(tg.zeros([3]), { name: 'W' });
        const p = tg.placeholder('float32', [3], 'p');
        return { w, p, set: w.assign(p) };
      });
      await sess.run(t.w.initializer);
      const nd = tg.NDArray.from([1, 2, 3]);
      await sess.run(t.set, { p: nd });
      nd.data[0] = -7;
      expect(await values(sess, t.w)).to.deep.equal([1, 2, 3]);
      const typed = new Float32Array([4, 5, 6]);
      await sess.run(t.set, { p: typed });
      typed[0] = -7;
      expect(await values(sess, t.w)).to.deep.equal([4, 5, 6]);
      const obj = { data: new Float32Array([7, 8, 9]), shape: [3] };
      await sess.run(t.set, { p: obj });
      obj.data[0] = -7;
      expect(await values(sess, t.w)).to.deep.equal([7, 8, 9]);
    });

    it('a feed changed after run() is called but before the queued run starts changes nothing', async () => {
      const { sess, t } = setup(() => {
        const x = tg.placeholder('float32', [2], 'x');
        return { x, y: tg.mul(x, 2) };
      });
      const fed = new Float32Array([1, 2]);
      const nd = tg.NDArray.from([3, 4]);
      const first = sess.run(t.y, { x: [0, 0] });
      const queued = sess.run(t.y, { x: fed });
      const queued2 = sess.run(t.y, new Map([[t.x, nd]]));
      fed[0] = 100;
      nd.data[0] = 100;
      await first;
      expect([...(await queued).data]).to.deep.equal([2, 4]);
      expect([...(await queued2).data]).to.deep.equal([6, 8]);
    });

    it('a bad feed still rejects the returned promise (not a synchronous throw)', async () => {
      const { sess, t } = setup(() => tg.placeholder('float32', [2], 'x'));
      const p = sess.run(t, { x: [1, 2, 3] });
      let err: unknown = null;
      await p.catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(tg.InvalidArgumentError);
      const q = sess.run(t, { nope: [1] });
      err = null;
      await q.catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(tg.NotFoundError);
    });

    it('graph constants do not change when the user mutates the array they were built from', async () => {
      const typed = new Float32Array([1, 2, 3]);
      const nd = tg.NDArray.from([4, 5, 6]);
      const init = new Float32Array([7, 8, 9]);
      const { sess, t } = setup(() => ({
        a: tg.constant(typed),
        b: tg.constant(nd),
        c: tg.add(tg.constant([0, 0, 0]), nd), // an NDArray operand turned into a Const
        w: new tg.Variable(init, { name: 'W' }),
      }));
      typed[0] = -1;
      nd.data[0] = -1;
      init[0] = -1;
      await sess.run(t.w.initializer);
      expect(await values(sess, t.a)).to.deep.equal([1, 2, 3]);
      expect(await values(sess, t.b)).to.deep.equal([4, 5, 6]);
      expect(await values(sess, t.c)).to.deep.equal([4, 5, 6]);
      expect(await values(sess, t.w)).to.deep.equal([7, 8, 9]);
    });

    it('setVariableValues copies, variableValue returns a copy', async () => {
      const { sess, t } = setup(() => new tg.Variable(tg.zeros([2]), { name: 'W' }));
      const v = tg.NDArray.from([1, 2]);
      sess.setVariableValues(new Map([['W', v]]));
      v.data[0] = -7;
      expect(await values(sess, t)).to.deep.equal([1, 2]);
      sess.variableValue('W')!.data[0] = -7;
      expect(await values(sess, t)).to.deep.equal([1, 2]);
    });

    it('values restored by a Saver are the session\'s own', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tg-copy-'));
      try {
        const { sess, t } = setup(() => {
          const w = new tg.Variable(tg.constant([1, 2, 3]), { name: 'W' });
          return { w, saver: new tg.train.Saver() };
        });
        await sess.run(t.w.initializer);
        const prefix = await t.saver.save(sess, join(dir, 'model'));
        const sess2 = new tg.Session({ graph: sess.graph });
        await t.saver.restore(sess2, prefix);
        (await sess2.run(t.w)).data[0] = -7;
        expect(await values(sess2, t.w)).to.deep.equal([1, 2, 3]);
        // a SavedModel loads its variables through the same boundary
        const exported = join(dir, 'export');
        tg.savedModel.save(sess2, exported);
        const sess3 = new tg.Session({ graph: new tg.Graph() });
        tg.savedModel.load(sess3, ['serve'], exported);
        (await sess3.run('W:0'))!.data.fill(0);
        expect([...(await sess3.run('W:0'))!.data]).to.deep.equal([1, 2, 3]);
        const loaded = tg.train.loadVariable(prefix, 'W');
        sess2.setVariableValues(new Map([['W', loaded]]));
        loaded.data[1] = -7;
        expect(await values(sess2, t.w)).to.deep.equal([1, 2, 3]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
