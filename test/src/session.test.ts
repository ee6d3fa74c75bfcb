import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { describeEachBackend, TestBackend } from '../support/backends.js';

/** Builds a graph with `build`, then gives a session over it on `backend`. */
function setupOn<T>(backend: TestBackend, build: () => T): { g: tg.Graph; sess: tg.Session; t: T } {
  const g = new tg.Graph();
  const t = g.asDefault(build);
  return { g, sess: new tg.Session({ graph: g, backend }), t };
}

async function rejects(p: Promise<unknown>, cls: new (...a: never[]) => Error, text: string | RegExp): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(cls);
    if (typeof text === 'string') expect((e as Error).message).to.include(text);
    else expect((e as Error).message).to.match(text);
    return e as Error;
  }
  throw new Error(`expected a ${cls.name}`);
}

describeEachBackend('Session semantics', (backend) => {
  const setup = <T>(build: () => T): { g: tg.Graph; sess: tg.Session; t: T } => setupOn(backend, build);

  describe('Session: fetches', () => {
    it('a tensor gives an NDArray; an op gives null; names work for both', async () => {
      const { sess, t } = setup(() => {
        const a = tg.constant([[1, 2], [3, 4]], { name: 'a' });
        const b = tg.mul(a, 2, 'b');
        return { a, b, op: tg.noOp('nothing') };
      });
      expect(((await sess.run(t.b)) as tg.NDArray).toArray()).to.deep.equal([[2, 4], [6, 8]]);
      expect(await sess.run(t.op)).to.equal(null);
      expect(((await sess.run('b:0')) as tg.NDArray).toArray()).to.deep.equal([[2, 4], [6, 8]]);
      expect(await sess.run('nothing')).to.equal(null);
    });
    it('arrays, records and nesting come back in the same structure', async () => {
      const { sess, t } = setup(() => ({ a: tg.constant(1), b: tg.constant(2), op: tg.noOp() }));
      const r = await sess.run({ one: t.a, pair: [t.b, t.op], deep: { list: [[t.a]] } });
      expect(r.one.item()).to.equal(1);
      expect(r.pair[0].item()).to.equal(2);
      expect(r.pair[1]).to.equal(null);
      expect(r.deep.list[0][0].item()).to.equal(1);
    });
    it('a tensor fetched twice is computed once', async () => {
      const { sess, t } = setup(() => {
        const counter = new tg.Variable(tg.constant(0), { name: 'counter' });
        const bumped = counter.assignAdd(1);
        return { counter, bumped };
      });
      await sess.run(t.counter.initializer);
      const [x, y] = await sess.run([t.bumped, t.bumped]);
      expect([x.item(), y.item()]).to.deep.equal([1, 1]);
      expect(((await sess.run(t.counter)) as tg.NDArray).item()).to.equal(1);
    });
  });

  describe('Session: variable reads and writes in one run (TF1 ref semantics)', () => {
    for (const optimizer of [{}, { disable: ['all'] }]) {
      it(`a read ordered after a write by a control dependency sees the write (readValue, identity of the ref${optimizer.disable ? ', passes off' : ''})`, async () => {
        const g = new tg.Graph();
        const t = g.asDefault(() => {
          const v = new tg.Variable(tg.constant(1), { name: 'v' });
          const up = v.assignAdd(10);
          return {
            v,
            fresh: tg.controlDependencies([up], () => v.readValue()),
            doubled: tg.controlDependencies([up], () => tg.mul(v.readValue(), 2)),
            viaRef: tg.controlDependencies([up], () => tg.identity(v.ref)),
          };
        });
        const sess = new tg.Session({ graph: g, backend, optimizer });
        for (const [fetch, want] of [[t.fresh, 11], [t.doubled, 22], [t.viaRef, 11]] as const) {
          await sess.run(t.v.initializer);
          expect(((await sess.run(fetch)) as tg.NDArray).item()).to.equal(want);
        }
        expect(t.v.readValue().op.type).to.equal('Identity');
        sess.close();
      });
    }
  });

  describe('Session: feeds', () => {
    it('feeds by Map and by record of names; values as nested arrays, TypedArrays, NDArrays, scalars', async () => {
      const { sess, t } = setup(() => {
        const x = tg.placeholder('float32', [null, 2], 'x');
        const s = tg.placeholder('float32', [], 's');
        return { x, s, y: tg.mul(tg.reduceSum(x), s) };
      });
      expect(((await sess.run(t.y, new Map<tg.Tensor, tg.FeedValue>([[t.x, [[1, 2]]], [t.s, 2]]))) as tg.NDArray).item()).to.equal(6);
      expect(((await sess.run(t.y, { 'x:0': tg.NDArray.from([[1, 1], [1, 1]]), s: 1 })) as tg.NDArray).item()).to.equal(4);
      expect(((await sess.run(t.y, { x: { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] }, s: 1 })) as tg.NDArray).item()).to.equal(10);
    });
    it('any tensor can be fed and its producers then do not run', async () => {
      const { sess, t } = setup(() => {
        const counter = new tg.Variable(tg.constant(0), { name: 'counter' });
        const mid = tg.controlDependencies([counter.assignAdd(1)], () => tg.identity(tg.constant(5), 'mid'));
        return { counter, out: tg.mul(mid, 2, 'out'), mid };
      });
      await sess.run(t.counter.initializer);
      expect(((await sess.run(t.out)) as tg.NDArray).item()).to.equal(10);
      expect(((await sess.run(t.counter)) as tg.NDArray).item()).to.equal(1);
      expect(((await sess.run(t.out, { mid: 7 })) as tg.NDArray).item()).to.equal(14);
      expect(((await sess.run(t.counter)) as tg.NDArray).item()).to.equal(1);
    });
    it('only what the fetches need runs: an unrelated unfed placeholder is fine', async () => {
      const { sess, t } = setup(() => {
        tg.placeholder('float32', [3], 'unused');
        return tg.add(1, 2);
      });
      expect(((await sess.run(t)) as tg.NDArray).item()).to.equal(3);
    });
    it('a repeated run signature compiles no new plan', async () => {
      const { sess, t } = setup(() => {
        const x = tg.placeholder('float32', [null], 'x');
        return { x, y: tg.square(x) };
      });
      await sess.run(t.y, { x: [1, 2] });
      await sess.run(t.y, { x: [3, 4] });
      expect(sess.compiledPlanCount).to.equal(1);
      await sess.run(t.y, { x: [1, 2, 3] });
      expect(sess.compiledPlanCount).to.equal(2);
    });
  });

  describe('Session: errors (typed, TF text, session stays usable)', () => {
    it('an unfed placeholder', async () => {
      const { sess, t } = setup(() => tg.matMul(tg.placeholder('float32', [null, 784], 'x'), tg.zeros([784, 1])));
      const e = await rejects(sess.run(t), tg.InvalidArgumentError, "You must feed a value for placeholder tensor 'x' with dtype float32 and shape [?,784]");
      // where the op was created: this test file
      expect(e.message).to.match(/Caused by op 'x' \(Placeholder\), defined at:\n\s+at .*session\.test\.js/);
      expect((await sess.run(t, { x: [new Array(784).fill(1)] })).shape).to.deep.equal([1, 1]);
    });
    it('a feed of the wrong shape or dtype', async () => {
      const { sess, t } = setup(() => {
        const x = tg.placeholder('float32', [null, 4], 'x');
        const i = tg.placeholder('int32', [2], 'i');
        return { x, i, y: tg.reduceSum(x) };
      });
      await rejects(sess.run(t.y, { x: tg.NDArray.from(new Float32Array(15), [3, 5]) }), tg.InvalidArgumentError, "Cannot feed value of shape [3,5] for tensor 'x:0', which has shape [?,4]");
      await rejects(sess.run(t.y, { x: tg.NDArray.from(new Int32Array(4), [1, 4]) }), tg.InvalidArgumentError, "Cannot feed value of dtype int32 for tensor 'x:0', which has dtype float32");
      await rejects(sess.run(t.i, { i: [1.5, 2] }), tg.InvalidArgumentError, "Cannot feed value 1.5 to tensor 'i:0' of dtype int32: not an integer");
      expect(((await sess.run(t.y, { x: [[1, 2, 3, 4]] })) as tg.NDArray).item()).to.equal(10);
    });
    it('a Float64Array feeds a float32 tensor as TF1 converts float64 arrays; elsewhere the message names the array type', async () => {
      const { sess, t } = setup(() => {
        const x = tg.placeholder('float32', [2], 'x');
        const i = tg.placeholder('int32', [2], 'i');
        return { y: tg.reduceSum(x), j: tg.reduceSum(i) };
      });
      expect(((await sess.run(t.y, { x: new Float64Array([1.5, 2]) })) as tg.NDArray).item()).to.equal(3.5);
      expect(((await sess.run(t.y, { x: { data: new Float64Array([1, 2]), shape: [2] } })) as tg.NDArray).item()).to.equal(3);
      await rejects(sess.run(t.j, { i: new Float64Array([1, 2]) }), tg.InvalidArgumentError, "Cannot feed a Float64Array (float64) for tensor 'i:0', which has dtype int32: use an Int32Array");
      await rejects(sess.run(t.j, { i: { data: new Float64Array([1, 2]), shape: [2] } }), tg.InvalidArgumentError, "Cannot feed a Float64Array (float64) for tensor 'i:0', which has dtype int32: use an Int32Array");
    });
    it('a Tensor used as the key of a plain object: the message says to use a Map or the name', async () => {
      const { sess, t } = setup(() => {
        const x = tg.placeholder('float32', [null, 2], 'x');
        return { x, y: tg.reduceSum(x) };
      });
      await rejects(sess.run(t.y, { [String(t.x)]: [[1, 2]] }), tg.InvalidArgumentError,
        "a Tensor used as a key of a plain object becomes its string 'Tensor(\"x:0\", shape=[?,2], dtype=float32)'; key the feeds by name ({ 'x:0': value }) or use a Map (new Map([[x, value]]))");
    });
    it('feeding a name that does not exist', async () => {
      const { sess, t } = setup(() => tg.constant(1));
      await rejects(sess.run(t, { 'nope:0': 1 }), tg.NotFoundError, "Cannot interpret feed key as Tensor: The name 'nope:0' refers to a Tensor which does not exist.");
      await rejects(sess.run('missing:0'), tg.NotFoundError, "The name 'missing:0' refers to a Tensor which does not exist");
    });
    it('fetching from another graph', async () => {
      const other = new tg.Graph().asDefault(() => tg.constant(1, { name: 'elsewhere' }));
      const { sess } = setup(() => tg.constant(2));
      await rejects(sess.run(other), tg.InvalidArgumentError, 'Tensor elsewhere:0 is not an element of this graph.');
    });
    it('a cycle through control dependencies', async () => {
      const { sess, t } = setup(() => {
        const a = tg.identity(1, 'a');
        const b = tg.identity(a, 'b');
        a.op.addControlInputs([b.op]);
        return { b, ok: tg.constant(3) };
      });
      await rejects(sess.run(t.b), tg.InvalidArgumentError, /Graph is invalid, contains a cycle with 2 nodes, including: (a, b|b, a)/);
      expect(((await sess.run(t.ok)) as tg.NDArray).item()).to.equal(3);
    });
    it('using a closed session', async () => {
      const { sess, t } = setup(() => tg.constant(1));
      sess.close();
      await rejects(sess.run(t), tg.FailedPreconditionError, 'Attempted to use a closed Session.');
    });
    it('an uninitialized variable, before anything runs', async () => {
      const { sess, t } = setup(() => {
        const W = new tg.Variable(tg.constant([1, 2]), { name: 'W' });
        const other = new tg.Variable(tg.constant(0), { name: 'other' });
        return { W, other, both: [other.assignAdd(1), tg.reduceSum(W)] as const };
      });
      await sess.run(t.other.initializer);
      await rejects(sess.run(t.both), tg.FailedPreconditionError, 'Attempting to use uninitialized value W');
      // nothing ran: `other` was not incremented
      expect(((await sess.run(t.other)) as tg.NDArray).item()).to.equal(0);
    });
    it('reshape to an impossible size (build time and run time)', async () => {
      const g = new tg.Graph();
      g.asDefault(() => {
        expect(() => tg.reshape(tg.zeros([2, 3]), [4, 2])).to.throw(tg.InvalidArgumentError, "Input to reshape is a tensor with 6 values, but the requested shape has 8 for 'Reshape' (op: 'Reshape') with input shapes: [2,3], [2].");
      });
      const { sess, t } = setup(() => {
        const x = tg.placeholder('float32', null, 'x');
        return tg.reshape(x, [4, 2]);
      });
      const e = await rejects(sess.run(t, { x: [[1, 2, 3], [4, 5, 6]] }), tg.InvalidArgumentError, 'Input to reshape is a tensor with 6 values, but the requested shape has 8 [[node Reshape (Reshape) with input shapes: [2,3], [2]]]');
      expect((e as tg.TensorGraphError).opName).to.equal('Reshape');
    });
    it('a run that fails midway changes no variable', async () => {
      const { sess, t } = setup(() => {
        const v = new tg.Variable(tg.constant(10), { name: 'v' });
        const x = tg.placeholder('float32', null, 'x');
        const bump = v.assignAdd(1);
        // runs after the increment, then fails at run time on the fed shape
        const bad = tg.controlDependencies([bump], () => tg.reshape(x, [3]));
        return { v, x, bad };
      });
      await sess.run(t.v.initializer);
      await rejects(sess.run(t.bad, { x: [1, 2] }), tg.InvalidArgumentError, 'Input to reshape is a tensor with 2 values');
      expect(((await sess.run(t.v)) as tg.NDArray).item()).to.equal(10);
    });
  });

  describe('Session: variables and concurrency', () => {
    it('variables live in the session: two sessions hold separate values', async () => {
      const { g, sess, t } = setup(() => {
        const v = new tg.Variable(tg.constant(1), { name: 'v' });
        return { v, inc: v.assignAdd(5) };
      });
      const other = new tg.Session({ graph: g, backend });
      await sess.run(t.v.initializer);
      await other.run(t.v.initializer);
      await sess.run(t.inc);
      expect(((await sess.run(t.v)) as tg.NDArray).item()).to.equal(6);
      expect(((await other.run(t.v)) as tg.NDArray).item()).to.equal(1);
    });
    it('20 overlapping runs give the same results as serial ones', async () => {
      const { sess, t } = setup(() => {
        const x = tg.placeholder('float32', [null, 3], 'x');
        const W = new tg.Variable(tg.constant([[1, 0], [0, 1], [1, 1]]), { name: 'W' });
        const counter = new tg.Variable(tg.constant(0), { name: 'counter' });
        return { x, W, counter, y: tg.matMul(x, W), inc: counter.assignAdd(1) };
      });
      await sess.run(tg.variablesInitializer([t.W, t.counter]));
      const feeds = Array.from({ length: 20 }, (_v, i) => [[i, i + 1, i + 2]]);
      const serial: number[][] = [];
      for (const f of feeds) serial.push(((await sess.run(t.y, { x: f })) as tg.NDArray).toArray() as number[]);
      const concurrent = await Promise.all(feeds.map((f) => sess.run([t.y, t.inc], { x: f })));
      expect(concurrent.map(([y]) => y.toArray())).to.deep.equal(serial);
      // each increment happened exactly once, in order
      expect(concurrent.map(([, c]) => c.item()).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_v, i) => i + 1));
      expect(((await sess.run(t.counter)) as tg.NDArray).item()).to.equal(20);
    });
    // kernel names are the backend's own (cpu:fused_elementwise): the WebGPU ones are in test/webgpu
    if (backend === 'cpu') {
      it('RunMetadata records the kernels a traced run launched: fused ones by their fused node', async () => {
        const { g, sess, t } = setup(() => {
          const x = tg.placeholder('float32', [2], 'x');
          return { x, y: tg.relu(tg.add(x, 1)) };
        });
        const md = new tg.RunMetadata();
        await sess.run(t.y, { x: [1, -2] }, { runMetadata: md });
        const stats = md.stepStats[0].nodeStats;
        expect(stats.map((s) => [s.nodeName, s.kernel])).to.deep.equal([['Relu/fused', 'cpu:fused_elementwise']]);

        const plain = new tg.Session({ graph: g, optimizer: { disable: ['all'] } });
        const md2 = new tg.RunMetadata();
        await plain.run(t.y, { x: [1, -2] }, { runMetadata: md2 });
        expect(md2.stepStats[0].nodeStats.map((s) => s.nodeName)).to.include.members(['Add', 'Relu']);
      });
    }
  });
});
