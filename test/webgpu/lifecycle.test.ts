import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { WebGpuBackend } from '../../runtime/webgpu/webgpu_backend.js';
import { acquireDevice, AcquiredDevice } from '../../runtime/webgpu/device.js';
import { requireAdapter } from './adapter.js';
import { sharedDeviceUsers } from '../../runtime/webgpu/shared_device.js';

/** A backend whose acquired devices are kept, so a test can watch them (lost, destroyed). */
function watchedBackend(options: { poolKeepBytes?: number } = {}): { backend: WebGpuBackend; devices: AcquiredDevice[] } {
  const devices: AcquiredDevice[] = [];
  const backend = new WebGpuBackend({
    ...options,
    acquire: async () => {
      const d = await acquireDevice();
      devices.push(d);
      return d;
    },
  });
  return { backend, devices };
}

function close(a: tg.NDArray, b: tg.NDArray, tol = 1e-5): void {
  expect(b.shape).to.deep.equal(a.shape);
  Array.from(a.data, Number).forEach((v, i) => expect(Math.abs(v - Number(b.data[i])), `element ${i}: cpu ${v} webgpu ${b.data[i]}`).to.be.at.most(tol * Math.max(1, Math.abs(v))));
}

describe('webgpu: device and buffer lifetime', function () {
  before(async function () {
    await requireAdapter(this);
  });

  it('sess.close() destroys the device and every buffer it held; a closed session refuses runs; a new session has a new device', async () => {
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const x = tg.placeholder('float32', [2, 2], 'x');
      const w = new tg.Variable(tg.constant([[1, 2], [3, 4]]), { name: 'w' });
      const y = tg.add(tg.matMul(x, w), tg.constant([0.5, -0.5]));
      return { x, y, train: new tg.train.GradientDescentOptimizer(0.1).minimize(tg.reduceSum(y)), init: tg.globalVariablesInitializer() };
    });
    const feeds = { [m.x.name]: tg.NDArray.from([[1, 0], [0, 1]]) };
    const { backend, devices } = watchedBackend();
    // the session owns what it makes: a backend object handed in is the caller's (see below)
    const sess = new tg.Session({ graph: g, backend: 'webgpu' });
    const owned = new tg.Session({ graph: g, backend });
    for (const s of [sess, owned]) {
      await s.run(m.init);
      await s.run([m.y, m.train], feeds);
    }
    expect(backend.liveBuffers.count).to.be.greaterThan(0);
    // an owned WebGPU backend is the session's first device
    const inner = (sess as unknown as { devices: { backends: WebGpuBackend[] } }).devices.backends[0];
    expect(inner).to.be.instanceOf(WebGpuBackend);
    expect(inner.liveBuffers.count).to.be.greaterThan(0);
    sess.close();
    expect(inner.liveBuffers).to.deep.equal({ count: 0, bytes: 0 });
    let err: unknown;
    await sess.run(m.y, feeds).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(tg.FailedPreconditionError);
    expect((err as Error).message).to.equal('Attempted to use a closed Session.');
    // the caller's backend outlives the session that used it
    owned.close();
    expect(backend.liveBuffers.count).to.be.greaterThan(0);
    backend.close();
    expect(backend.liveBuffers).to.deep.equal({ count: 0, bytes: 0 });
    // a closed backend refuses to run, with a typed error (it does not silently re-acquire)
    const g2 = new tg.Graph();
    const doubled = g2.asDefault(() => tg.mul(tg.constant([1, 2]), 2));
    await new tg.Session({ graph: g2, backend }).run(doubled).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(tg.FailedPreconditionError);
    expect((err as Error).message).to.match(/^The WebGPU backend was closed/);
    const lost = await devices[0].device.lost;
    expect(lost.reason).to.equal('destroyed');
    // a fresh session acquires a fresh device and runs
    const again = watchedBackend();
    const next = new tg.Session({ graph: g, backend: again.backend });
    await next.run(m.init);
    expect(Array.from((await next.run(m.y, feeds)).data)).to.deep.equal([1.5, 1.5, 3.5, 3.5]);
    expect(again.devices).to.have.length(1);
    expect(again.devices[0].device).to.not.equal(devices[0].device);
    again.backend.close();
  });

  it('a device lost before a plan with control flow runs fails that run with UnavailableError; the next run gets a new device', async () => {
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const p = tg.placeholder('bool', [], 'p');
      const v = new tg.Variable(tg.constant([1, 2]), { name: 'v' });
      return { p, v, y: tg.cond(p, () => tg.add(v.value(), 1), () => tg.neg(v.value())), init: tg.globalVariablesInitializer() };
    });
    const { backend, devices } = watchedBackend();
    const sess = new tg.Session({ graph: g, backend });
    await sess.run(m.init);
    await sess.syncVariables();
    expect(Array.from((await sess.run(m.y, { [m.p.name]: true })).data)).to.deep.equal([2, 3]);
    devices[0].device.destroy();
    await devices[0].device.lost;
    let err: unknown;
    await sess.run(m.y, { [m.p.name]: false }).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(tg.UnavailableError);
    expect((err as Error).message).to.match(/^WebGPU device lost .*a new device was acquired for the next run/);
    // v was synced to the host before the loss: the next control-flow run uploads it to the new device
    expect(Array.from((await sess.run(m.y, { [m.p.name]: false })).data)).to.deep.equal([-1, -2]);
    expect(devices).to.have.length(2);
    backend.close();
  });

  it('close() with a run queued: the run fails as closed, and the device goes once the queue is idle', async () => {
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const x = tg.placeholder('float32', [3], 'x');
      return { x, y: tg.mul(tg.exp(x), 2) };
    });
    const { backend, devices } = watchedBackend();
    const sess = new tg.Session({ graph: g, backend: 'webgpu' });
    const inner = (sess as unknown as { devices: { backends: WebGpuBackend[] } }).devices.backends[0];
    const feeds = { [m.x.name]: tg.NDArray.from([0, 1, 2]) };
    await sess.run(m.y, feeds);
    const pending = sess.run(m.y, feeds);
    sess.close();
    let err: unknown;
    await pending.catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(tg.FailedPreconditionError);
    await new Promise((r) => setImmediate(r));
    expect(inner.liveBuffers).to.deep.equal({ count: 0, bytes: 0 });
    expect(devices).to.have.length(0);
    backend.close();
  });

  it('temporaries freed between recording and submit are not destroyed under a recorded launch (pool over keepBytes)', async () => {
    // keepBytes 0: every buffer returned to the pool is destroyed, the case where a temporary
    // (DynamicStitch's targets, the Conv2D epilogue's main result, a variable's old value) went
    // while a launch recorded in the same command encoder still read it
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const x = tg.placeholder('float32', [1, 3, 4, 1], 'x');
      const f = new tg.Variable(tg.constant([[[[0.5, -1]], [[1, 0.25]]], [[[-0.5, 2]], [[1.5, 1]]]]), { name: 'f' });
      const conv = tg.nn.relu(tg.nn.biasAdd(tg.nn.conv2d(x, f, { strides: [1, 1, 1, 1], padding: 'SAME' }), tg.constant([0.5, -0.25])));
      const stitched = tg.dynamicStitch([tg.constant([0, 2], { dtype: 'int32' }), tg.constant([1, 3], { dtype: 'int32' })], [tg.constant([[1, 2], [3, 4]]), tg.reshape(tg.slice(conv, [0, 0, 0, 0], [1, 1, 2, 2]), [2, 2])]);
      const loss = tg.reduceSum(tg.square(conv));
      return { x, conv, stitched, loss, train: new tg.train.GradientDescentOptimizer(0.01).minimize(loss), init: tg.globalVariablesInitializer() };
    });
    const feeds = { [m.x.name]: tg.NDArray.from(Float32Array.from({ length: 12 }, (_v, i) => (i % 5) - 2), [1, 3, 4, 1]) };
    const results: tg.NDArray[][] = [];
    for (const backend of ['cpu', new WebGpuBackend({ poolKeepBytes: 0 })] as const) {
      const sess = new tg.Session({ graph: g, backend });
      await sess.run(m.init);
      const r: tg.NDArray[] = [];
      for (let i = 0; i < 3; i++) r.push(...((await sess.run([m.conv, m.stitched, m.loss, m.train], feeds)).slice(0, 3) as tg.NDArray[]));
      if (backend !== 'cpu') {
        expect(sess.lastPlacement.map((e) => e.type)).to.include.members(['DynamicStitch', '_FusedConv2D']);
        backend.close();
      }
      results.push(r);
    }
    results[0].forEach((v, i) => close(v, results[1][i]));
  });
  it("sessions made with backend 'webgpu' share the process's device; the last close destroys it", async () => {
    const g = new tg.Graph();
    const y = g.asDefault(() => tg.mul(tg.constant([1, 2, 3]), 2));
    const before = sharedDeviceUsers();
    const a = new tg.Session({ graph: g, backend: 'webgpu' });
    const b = new tg.Session({ graph: g, backend: 'webgpu' });
    expect(Array.from((await a.run(y)).data)).to.deep.equal([2, 4, 6]);
    expect(Array.from((await b.run(y)).data)).to.deep.equal([2, 4, 6]);
    expect(sharedDeviceUsers()).to.equal(before + 2);
    const inner = (s: tg.Session): WebGpuBackend => (s as unknown as { devices: { backends: WebGpuBackend[] } }).devices.backends[0];
    const device = (s: tg.Session): unknown => (inner(s) as unknown as { gpu: { device: unknown } }).gpu.device;
    expect(device(a)).to.equal(device(b));
    a.close();
    // close releases once the session's queue is idle (its last run's bookkeeping settles first)
    await new Promise((r) => setTimeout(r, 0));
    expect(inner(a).liveBuffers).to.deep.equal({ count: 0, bytes: 0 });
    expect(sharedDeviceUsers()).to.equal(before + 1);
    // the other session still runs on the device
    expect(Array.from((await b.run(y)).data)).to.deep.equal([2, 4, 6]);
    b.close();
    await new Promise((r) => setTimeout(r, 0));
    expect(sharedDeviceUsers()).to.equal(before);
    if (before === 0) {
      const lost = await (device(b) as { lost: Promise<{ reason: string }> }).lost;
      expect(lost.reason).to.equal('destroyed');
    }
  });
});
