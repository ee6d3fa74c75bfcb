import { expect } from 'chai';
import * as tg from '../../src/index.js';

const x8 = (): tg.NDArray => tg.NDArray.from(new Float32Array(8).fill(1), [2, 4]);

/** A [2,4] placeholder and whatever `build` makes of it, in a fresh graph. */
function graphOf(build: (x: tg.Tensor) => tg.Tensor): { g: tg.Graph; x: tg.Tensor; y: tg.Tensor } {
  const g = new tg.Graph();
  return g.asDefault(() => {
    const x = tg.placeholder('float32', [2, 4], 'x');
    return { g, x, y: build(x) };
  });
}

function count(events: readonly tg.NullEvent[], kind: tg.NullEvent['kind']): number {
  return events.filter((e) => e.kind === kind).length;
}

describe('runtime: placement and the null backend', () => {
  it('a CPU session places every step on /device:CPU:0 with its kernel, and makes no copies', async () => {
    const { g, x, y } = graphOf((x) => tg.nn.relu(tg.matMul(x, tg.constant(new Float32Array(12).fill(0.5), { shape: [4, 3] }))));
    const sess = new tg.Session({ graph: g, optimizer: { disable: ['all'] } });
    await sess.run(y, { [x.name]: x8() });
    expect(sess.lastPlacement.map((e) => [e.name, e.type, e.device, e.kernel])).to.deep.equal([
      ['Const', 'Const', '/device:CPU:0', 'Const'],
      ['MatMul', 'MatMul', '/device:CPU:0', 'MatMul'],
      ['Relu', 'Relu', '/device:CPU:0', 'elementwise'],
    ]);
  });

  it('on the null backend the feed is uploaded once, the fetch read back once, nothing else crosses', async () => {
    const { g, x, y } = graphOf((x) => tg.nn.relu(tg.matMul(x, tg.constant(new Float32Array(12).fill(0.5), { shape: [4, 3] }))));
    const dev = new tg.NullBackend();
    const sess = new tg.Session({ graph: g, backend: dev, optimizer: { disable: ['all'] } });
    const out = (await sess.run(y, { [x.name]: x8() })) as tg.NDArray;
    expect(out.shape).to.deep.equal([2, 3]);
    expect(dev.dispatches.map((d) => d.type)).to.deep.equal(['Const', 'MatMul', 'Relu']);
    expect(count(dev.events, 'upload')).to.equal(1);
    expect(count(dev.events, 'read')).to.equal(1);
    expect(sess.lastPlacement.filter((e) => e.type === '_Copy')).to.deep.equal([
      { name: 'x:0/_copy', type: '_Copy', device: '/device:NULL:0', from: '/device:CPU:0' },
    ]);
    // the dispatch reads the uploaded buffer
    const upload = dev.events.find((e) => e.kind === 'upload') as { buffer: number };
    expect(dev.dispatches[1].inputs).to.include(upload.buffer);
  });

  it('a constant host-memory input stays on the host: no upload, no read back, no copy', async () => {
    const { g, x, y } = graphOf((x) => tg.reshape(tg.exp(x), [4, 2]));
    const dev = new tg.NullBackend();
    const sess = new tg.Session({ graph: g, backend: dev, optimizer: { disable: ['all'] } });
    const out = (await sess.run(y, { [x.name]: x8() })) as tg.NDArray;
    expect(out.shape).to.deep.equal([4, 2]);
    const shapeConst = sess.lastPlacement.find((e) => e.type === 'Const')!;
    expect(shapeConst.device).to.equal('/device:CPU:0');
    expect(sess.lastPlacement.find((e) => e.type === 'Reshape')!.device).to.equal('/device:NULL:0');
    expect(sess.lastPlacement.filter((e) => e.type === '_Copy').map((e) => e.name)).to.deep.equal(['x:0/_copy']);
    expect(count(dev.events, 'read')).to.equal(1); // the fetch
    const reshape = dev.dispatches.find((d) => d.type === 'Reshape')!;
    expect(reshape.inputs[1]).to.equal(null); // the shape operand reached it as a host value
  });

  it('a computed host-memory input is read back by one explicit copy, shown in lastPlacement', async () => {
    const { g, x, y } = graphOf((x) => tg.reshape(x, tg.add(tg.constant([2, 2], { dtype: 'int32' }), tg.constant([2, 0], { dtype: 'int32' }))));
    const dev = new tg.NullBackend();
    const sess = new tg.Session({ graph: g, backend: dev, optimizer: { disable: ['all'] } });
    await sess.run(y, { [x.name]: x8() }).catch(() => undefined); // zeros from the null device make no valid shape
    const copies = sess.lastPlacement.filter((e) => e.type === '_Copy');
    expect(copies).to.deep.equal([
      { name: 'x:0/_copy', type: '_Copy', device: '/device:NULL:0', from: '/device:CPU:0' },
      { name: 'Add:0/_copy', type: '_Copy', device: '/device:CPU:0', from: '/device:NULL:0' },
    ]);
  });

  it('one dispatch per fused kernel', async () => {
    const { g, x, y } = graphOf((x) => tg.nn.sigmoid(tg.add(tg.mul(x, 2), 1)));
    const dev = new tg.NullBackend();
    const sess = new tg.Session({ graph: g, backend: dev });
    await sess.run(y, { [x.name]: x8() });
    expect(dev.dispatches.map((d) => d.type)).to.deep.equal(['FusedElementwise']);
    expect(sess.lastPlacement.filter((e) => e.type !== '_Copy').map((e) => e.kernel)).to.deep.equal(['FusedElementwise']);
  });

  it('an op the device cannot run fails at plan time naming op, type and backend; soft placement runs it on the CPU with the copies shown', async () => {
    const { g, x, y } = graphOf((x) => tg.exp(tg.nn.relu(tg.mul(x, 2)), 'out'));
    const refuse = (): tg.NullBackend => new tg.NullBackend({ unsupported: { Relu: 'no Relu kernel on this device' } });
    const dev = refuse();
    const strict = new tg.Session({ graph: g, backend: dev, optimizer: { disable: ['all'] } });
    let err: unknown = null;
    await strict.run(y, { [x.name]: x8() }).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(tg.errors.UnimplementedError);
    expect(String((err as Error).message)).to.match(/'Relu' \(Relu\).*'null'.*no Relu kernel/);
    expect(dev.dispatches).to.have.length(0); // refused before anything ran

    const lines: string[] = [];
    const softDev = refuse();
    const soft = new tg.Session({ graph: g, backend: softDev, optimizer: { disable: ['all'] }, allowSoftPlacement: true, logDevicePlacement: (l) => lines.push(l) });
    await soft.run(y, { [x.name]: x8() });
    const p = soft.lastPlacement;
    expect(p.map((e) => `${e.type}@${e.device}`)).to.deep.equal([
      'Const@/device:NULL:0',
      '_Copy@/device:NULL:0',
      'Mul@/device:NULL:0',
      '_Copy@/device:CPU:0',
      'Relu@/device:CPU:0',
      '_Copy@/device:NULL:0',
      'Exp@/device:NULL:0',
    ]);
    expect(p.find((e) => e.type === 'Relu')!.softPlaced).to.include('no Relu kernel');
    expect(softDev.dispatches.map((d) => d.type)).to.deep.equal(['Const', 'Mul', 'Exp']);
    expect(lines).to.include('Relu: (Relu): /job:localhost/replica:0/task:0/device:CPU:0 (soft placement: null has no kernel: no Relu kernel on this device)');
    expect(lines).to.include('out: (Exp): /job:localhost/replica:0/task:0/device:NULL:0');
  });

  it('tg.device pins: /cpu:0 on a null session runs there with copies; an unknown device fails unless soft placement', async () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [2, 4], 'x');
      const h = tg.device('/cpu:0', () => tg.nn.relu(x, 'pinned'));
      return { x, y: tg.exp(h, 'out') };
    });
    const dev = new tg.NullBackend();
    const sess = new tg.Session({ graph: g, backend: dev });
    await sess.run(y, { [x.name]: x8() });
    expect(sess.lastPlacement.find((e) => e.name === 'pinned')!.device).to.equal('/device:CPU:0');
    expect(sess.lastPlacement.find((e) => e.name.startsWith('out'))!.device).to.equal('/device:NULL:0');
    expect(dev.dispatches.map((d) => d.type)).to.not.include('Relu');

    const g2 = new tg.Graph();
    const t = g2.asDefault(() => {
      const a = tg.placeholder('float32', [2], 'a');
      return { a, b: tg.device('/gpu:0', () => tg.neg(a, 'onGpu')) };
    });
    let err: unknown = null;
    await new tg.Session({ graph: g2 }).run(t.b, { 'a:0': [1, 2] }).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(tg.errors.InvalidArgumentError);
    expect(String((err as Error).message)).to.match(/Cannot assign a device for operation 'onGpu'.*'\/device:GPU:0'/);
    const soft = new tg.Session({ graph: g2, allowSoftPlacement: true });
    const out = (await soft.run(t.b, { 'a:0': [1, 2] })) as tg.NDArray;
    expect(Array.from(out.data)).to.deep.equal([-1, -2]);
    expect(soft.lastPlacement[0]).to.include({ name: 'onGpu', device: '/device:CPU:0' });
    expect(soft.lastPlacement[0].softPlaced).to.include('/gpu:0');
  });

  it('fusion never merges ops pinned to different devices', async () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [2, 4], 'x');
      const h = tg.device('/cpu:0', () => tg.nn.relu(tg.mul(x, 2), 'pinned'));
      return { x, y: tg.exp(tg.add(h, 1), 'out') };
    });
    const sess = new tg.Session({ graph: g, backend: 'null' });
    await sess.run(y, { [x.name]: x8() });
    const devices = sess.lastPlacement.filter((e) => e.type !== '_Copy').map((e) => e.device);
    expect(devices).to.deep.equal(['/device:CPU:0', '/device:NULL:0']);
  });

  it('variables: an init and a training step run on the null backend; the updates are dispatched there', async () => {
    const g = new tg.Graph();
    const { x, train, init } = g.asDefault(() => {
      const x = tg.placeholder('float32', [2, 4], 'x');
      const w = new tg.Variable(tg.zeros([4, 1]), { name: 'w' });
      const loss = tg.reduceSum(tg.square(tg.matMul(x, w)));
      return { x, train: new tg.train.GradientDescentOptimizer(0.1).minimize(loss), init: tg.globalVariablesInitializer() };
    });
    const dev = new tg.NullBackend();
    const sess = new tg.Session({ graph: g, backend: dev });
    await sess.run(init);
    await sess.run(train, { [x.name]: x8() });
    expect(dev.dispatches.map((d) => d.type)).to.include('ApplyGradientDescent');
    expect(sess.lastPlacement.every((e) => e.device === '/device:NULL:0' || e.type === 'Const' || e.type === '_Copy')).to.equal(true);
  });

  it('traces name the device and the kernel of each step', async () => {
    const { g, x, y } = graphOf((x) => tg.nn.relu(x));
    const md = new tg.RunMetadata();
    await new tg.Session({ graph: g }).run(y, { [x.name]: x8() }, { runMetadata: md });
    expect(md.stepStats.map((s) => s.device)).to.deep.equal(['/job:localhost/replica:0/task:0/device:CPU:0']);
    expect(md.stepStats[0].nodeStats.map((s) => s.kernel)).to.deep.equal(['cpu:elementwise']);
  });

  it('passes know the target backend: a device without epilogue kernels gets MatMul and the fused elementwise apart', async () => {
    const { g, x, y } = graphOf((x) => tg.nn.relu(tg.add(tg.matMul(x, tg.constant(new Float32Array(12).fill(0.5), { shape: [4, 3] })), 1)));
    const all = new tg.NullBackend();
    await new tg.Session({ graph: g, backend: all }).run(y, { [x.name]: x8() });
    expect(all.dispatches.map((d) => d.type)).to.include('_FusedMatMul');
    const kinds = new Set<tg.LoweringKind>(['elementwise', 'routine', 'none']);
    const plain = new tg.NullBackend({ lowerings: kinds });
    const sess = new tg.Session({ graph: g, backend: plain });
    await sess.run(y, { [x.name]: x8() });
    expect(plain.dispatches.map((d) => d.type)).to.not.include('_FusedMatMul');
    expect(plain.dispatches.map((d) => d.type)).to.include.members(['MatMul', 'FusedElementwise']);
    expect(String(sess.lastOptimizeReport)).to.include('null runs no epilogue kernels');
  });

  it('a traced run shows the copies as steps on the device they copy to', async () => {
    const { g, x, y } = graphOf((x) => tg.nn.relu(x));
    const md = new tg.RunMetadata();
    await new tg.Session({ graph: g, backend: 'null' }).run(y, { [x.name]: x8() }, { runMetadata: md });
    const byDevice = new Map(md.stepStats.map((d) => [d.device, d.nodeStats.map((s) => `${s.nodeName} ${s.kernel}`)]));
    expect(byDevice.get('/job:localhost/replica:0/task:0/device:NULL:0')).to.deep.equal(['x:0/_copy cpu->null:copy', 'Relu null:Relu']);
  });
});
