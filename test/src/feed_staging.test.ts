import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { MIN_STAGED_ELEMENTS } from '../../runtime/cpu/feed_staging.js';
import { wasmHeap } from '../../runtime/cpu/wasm/heap.js';
import { describeEachBackend } from '../support/backends.js';

/**
 * A large fed array is snapshotted straight into the CPU backend's wasm heap (runtime/cpu/
 * feed_staging.ts) and that block goes back to the arena when the run ends, where the next run's
 * buffers reuse it. These tests pin what must still hold: the caller's later writes change nothing,
 * and nothing a run hands out or keeps (a fetch, a view of the feed, a variable) is that block.
 */
const N = MIN_STAGED_ELEMENTS * 4;

function ramp(scale: number, n = N): Float32Array {
  return Float32Array.from({ length: n }, (_v, i) => (i % 97) * scale);
}

describeEachBackend('Large feeds: snapshot semantics with the snapshot in the wasm heap', (backend) => {
  it('a feed changed after run() returned, while the run is queued, changes nothing (TypedArray, NDArray, {data, shape})', async () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [N], 'x');
      return { x, y: tg.add(tg.mul(x, 2), 1) };
    });
    const sess = new tg.Session({ graph: g, backend });
    const typed = ramp(1);
    const nd = tg.NDArray.from(ramp(2), [N]);
    const obj = { data: ramp(3), shape: [N] };
    const runs = [sess.run(y, { x: typed }), sess.run(y, new Map([[x, nd]])), sess.run(y, { x: obj })];
    typed.fill(-5);
    nd.data.fill(-5);
    obj.data.fill(-5);
    const got = await Promise.all(runs);
    got.forEach((r, k) => {
      const want = ramp(k + 1).map((v) => v * 2 + 1);
      expect([...r.data], `run ${k}`).to.deep.equal([...want]);
    });
    sess.close();
  });

  it('a fetched fed tensor, its Identity and its Reshape keep their values after later runs reuse the memory', async () => {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const x = tg.placeholder('float32', [N], 'x');
      return { x, i: tg.identity(x), r: tg.reshape(x, [N / 4, 4]), y: tg.mul(x, 3) };
    });
    const sess = new tg.Session({ graph: g, backend });
    const [x, i, r] = await sess.run([t.x, t.i, t.r], { x: ramp(1) });
    // later runs stage other values into the blocks just given back
    for (let k = 2; k < 5; k++) await sess.run([t.y, t.x], { x: ramp(k) });
    const want = [...ramp(1)];
    expect([...x.data]).to.deep.equal(want);
    expect([...i.data]).to.deep.equal(want);
    expect([...r.data]).to.deep.equal(want);
    x.data[0] = 1234;
    expect(i.data[0]).to.equal(0);
    sess.close();
  });

  it('a variable assigned a fed value keeps it after later runs reuse the memory', async () => {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const w = new tg.Variable(tg.zeros([N]), { name: 'W' });
      const p = tg.placeholder('float32', [N], 'p');
      const q = tg.placeholder('float32', [N], 'q');
      return { w, set: w.assign(p), other: tg.mul(q, 5) };
    });
    const sess = new tg.Session({ graph: g, backend });
    await sess.run(t.w.initializer);
    await sess.run(t.set, { p: ramp(1) });
    for (let k = 2; k < 5; k++) await sess.run(t.other, { q: ramp(k) });
    expect([...(await sess.run(t.w)).data]).to.deep.equal([...ramp(1)]);
    sess.close();
  });

  it('an int32 feed is staged and read like any other', async () => {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const idx = tg.placeholder('int32', [N], 'idx');
      return { idx, y: tg.mul(idx, 2) };
    });
    const sess = new tg.Session({ graph: g, backend });
    const idx = Int32Array.from({ length: N }, (_v, i) => i - 7);
    const run = sess.run(t.y, { idx });
    idx.fill(0);
    expect([...(await run).data]).to.deep.equal(Array.from({ length: N }, (_v, i) => (i - 7) * 2));
    sess.close();
  });
});

describe('Large feeds on the CPU backend with wasm kernels: staged into the heap, given back', () => {
  const live = (): number => wasmHeap().arena?.stats().liveBytes ?? 0;

  function session(options: tg.CpuBackendOptions = { kernels: 'wasm' }): { sess: tg.Session; x: tg.Tensor; y: tg.Tensor } {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [N], 'x');
      return { x, y: tg.sigmoid(x) };
    });
    return { sess: new tg.Session({ graph: g, backend: new tg.CpuBackend(options) }), x, y };
  }

  it('a queued run holds its feed in an arena block, returned when the run ends', async () => {
    const { sess, y } = session();
    await sess.run(y, { x: ramp(1) });
    const before = live();
    const first = sess.run(y, { x: ramp(1) });
    const second = sess.run(y, { x: ramp(2) });
    expect(live() - before, 'two staged feeds').to.be.at.least(2 * N * 4);
    await Promise.all([first, second]);
    expect(live()).to.equal(before);
    sess.close();
  });

  it('blocks go back when the run fails, when the session closes with the run queued, and when a feed is refused', async () => {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const x = tg.placeholder('float32', [N], 'x');
      const z = tg.placeholder('float32', [N], 'z');
      return { x, z, y: tg.add(x, z) };
    });
    const sess = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm' }) });
    await sess.run(t.y, { x: ramp(1), z: ramp(1) });
    const before = live();
    // z not fed: the run is refused once it starts
    const missing = sess.run(t.y, { x: ramp(1) }).catch((e: unknown) => e);
    // the second feed has a bad shape: refused in run(), after the first was staged
    const refused = sess.run(t.y, { x: ramp(1), z: ramp(1, N - 1) }).catch((e: unknown) => e);
    expect(await missing).to.be.instanceOf(tg.InvalidArgumentError);
    expect(await refused).to.be.instanceOf(tg.InvalidArgumentError);
    expect(live()).to.equal(before);
    const queued = sess.run(t.y, { x: ramp(1), z: ramp(1) }).catch((e: unknown) => e);
    sess.close();
    expect(await queued).to.be.instanceOf(tg.FailedPreconditionError);
    expect(live()).to.equal(before);
  });

  it("with memory: 'off' or the JS kernels a feed is a plain copy, with the same results", async () => {
    const ref = session();
    const want = [...(await ref.sess.run(ref.y, { x: ramp(0.01) })).data];
    ref.sess.close();
    for (const options of [{ kernels: 'wasm', memory: 'off' }, { kernels: 'js' }] as const) {
      const { sess, y } = session(options);
      await sess.run(y, { x: ramp(0.01) });
      const before = live();
      const fed = ramp(0.01);
      const run = sess.run(y, { x: fed });
      expect(live(), JSON.stringify(options)).to.equal(before);
      fed.fill(9);
      const got = [...(await run).data];
      if (options.kernels === 'wasm') expect(got).to.deep.equal(want);
      else got.forEach((v, i) => expect(v).to.be.closeTo(want[i], 1e-6));
      sess.close();
    }
  });
});
