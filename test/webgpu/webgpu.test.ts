import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { WebGpuBackend } from '../../runtime/webgpu/webgpu_backend.js';
import { acquireDevice, AcquiredDevice, checkAdapterLimits, REQUIRED_LIMITS } from '../../runtime/webgpu/device.js';
import { GpuContext } from '../../runtime/webgpu/gpu_context.js';
import { makeOp } from '../../ops/builder.js';
import { InvertPermutation } from '../../ops/array/transpose.js';
import { requireAdapter } from './adapter.js';

type Build = (x: tg.Tensor, y: tg.Tensor) => tg.Tensor;

const X = tg.NDArray.from([[0.5, -1.25, 2, 3.5], [-0.75, 0.25, 1.5, -2]]);
const Y = tg.NDArray.from([[1.5, 2, -0.5, 0.25], [0.5, -1, 2.5, 1]]);

/** Runs `build` on the CPU and on WebGPU with the same feeds (passes off: each op is its own kernel unless `fused`). */
async function both(build: Build, fused = false): Promise<[tg.NDArray, tg.NDArray]> {
  const g = new tg.Graph();
  const { x, y, z } = g.asDefault(() => {
    const x = tg.placeholder('float32', [2, 4], 'x');
    const y = tg.placeholder('float32', [2, 4], 'y');
    return { x, y, z: build(x, y) };
  });
  const out: tg.NDArray[] = [];
  for (const backend of ['cpu', 'webgpu'] as const) {
    const sess = new tg.Session({ graph: g, backend, optimizer: fused ? {} : { disable: ['all'] } });
    out.push(await sess.run(z, { [x.name]: X, [y.name]: Y }));
  }
  return [out[0], out[1]];
}

function close(a: tg.NDArray, b: tg.NDArray, tol = 1e-5): void {
  expect(b.dtype).to.equal(a.dtype);
  expect(b.shape).to.deep.equal(a.shape);
  const da = Array.from(a.data, Number);
  const db = Array.from(b.data, Number);
  da.forEach((v, i) => {
    if (Number.isNaN(v)) expect(Number.isNaN(db[i]), `element ${i}`).to.equal(true);
    else expect(Math.abs(v - db[i]), `element ${i}: cpu ${v} webgpu ${db[i]}`).to.be.at.most(tol * Math.max(1, Math.abs(v)));
  });
}

/** The op table run on both backends: forward values, and gradients through each op. */
const CASES: [string, Build][] = [
  ['add (broadcast row)', (x) => tg.add(x, tg.constant([1, 2, 3, 4]))],
  ['sub, mul, div', (x, y) => tg.div(tg.mul(tg.sub(x, y), x), tg.add(tg.abs(y), 1))],
  ['exp, log, sqrt, rsqrt', (x) => tg.add(tg.exp(x), tg.log(tg.add(tg.sqrt(tg.abs(x)), tg.rsqrt(tg.add(tg.square(x), 1)))))],
  ['relu, sigmoid, tanh, softplus, elu', (x) => tg.add(tg.add(tg.nn.relu(x), tg.nn.sigmoid(x)), tg.add(tg.nn.tanh(x), tg.add(tg.nn.softplus(x), tg.nn.elu(x))))],
  ['maximum, minimum, pow', (x, y) => tg.add(tg.maximum(x, y), tg.pow(tg.abs(tg.minimum(x, y)), 1.5))],
  ['comparisons and where', (x, y) => tg.where(tg.logicalAnd(tg.greater(x, y), tg.notEqual(x, 0)), x, tg.neg(y))],
  ['cast to int32 and back', (x) => tg.cast(tg.add(tg.cast(tg.mul(x, 4), 'int32'), 7), 'float32')],
  ['matMul', (x, y) => tg.matMul(x, y, { transposeB: true })],
  ['matMul transposeA', (x, y) => tg.matMul(x, y, { transposeA: true })],
  ['batched matMul', (x, y) => tg.matMul(tg.reshape(x, [2, 2, 2]), tg.reshape(y, [2, 2, 2]))],
  ['reduceSum, reduceMean, reduceMax, reduceMin', (x) => tg.add(tg.add(tg.reduceSum(x, [1]), tg.reduceMean(x, [1])), tg.add(tg.reduceMax(x, [1]), tg.reduceMin(x, [1])))],
  ['reduceSum over axis 0, keepDims', (x) => tg.reduceSum(x, [0], true)],
  ['tree reductions (400 elements per output)', (x) => tg.add(tg.reshape(tg.reduceSum(tg.tile(x, [1, 100]), [1]), [2, 1]), tg.add(tg.reduceMax(tg.tile(x, [100, 1]), [0]), tg.reduceMean(tg.tile(x, [50, 25]))))],
  ['softmax, logSoftmax', (x) => tg.add(tg.nn.softmax(x), tg.nn.logSoftmax(x))],
  ['softmax cross entropy', (x, y) => tg.nn.softmaxCrossEntropyWithLogits({ labels: tg.nn.softmax(y), logits: x })],
  ['transpose, reshape', (x) => tg.reshape(tg.transpose(x), [2, 4])],
  ['biasAdd, l2Loss', (x) => tg.add(tg.nn.biasAdd(x, tg.constant([0.5, -0.5, 1, 2])), tg.nn.l2Loss(x))],
  ['argMax', (x) => tg.cast(tg.argMax(x, 1), 'float32')],
  ['concat, stack, unstack, split', (x, y) => tg.add(tg.concat([x, y], 1), tg.concat([...tg.split(tg.stack([x, y], 1), 2, 2).map((t) => tg.reshape(t, [2, 4])), ...tg.unstack(tg.reshape(y, [2, 2, 2]), 1).map((t) => tg.reshape(t, [2, 2]))].slice(0, 2), 1))],
  ['slice, stridedSlice', (x) => tg.add(tg.slice(x, [0, 1], [2, 2]), tg.stridedSlice(x, [1, 3], [-3, 0], [-1, -2]))],
  ['pad, tile', (x) => tg.add(tg.pad(x, [[1, 0], [2, 1]], 0.5), tg.tile(tg.slice(x, [0, 0], [1, 7 - 6]), [3, 7]))],
  ['gather, oneHot, unsortedSegmentSum', (x) => tg.add(tg.add(tg.gather(x, [3, 0, 1], 1), tg.oneHot(tg.constant([2, 0], { dtype: 'int32' }), 3)), tg.reduceSum(tg.unsortedSegmentSum(x, [1, 0], 3), [1]))],
  ['conv2d SAME stride 2, VALID', (x, y) => {
    const img = tg.reshape(x, [1, 2, 4, 1]);
    const f = tg.reshape(tg.slice(y, [0, 0], [2, 2]), [2, 1, 1, 2]);
    const a = tg.nn.conv2d(img, f, { strides: [1, 1, 2, 1], padding: 'SAME' });
    const b = tg.nn.conv2d(img, tg.reshape(y, [2, 2, 1, 2]), { strides: [1, 1, 1, 1], padding: 'VALID' });
    return tg.concat([tg.reshape(a, [-1]), tg.reshape(b, [-1])], 0);
  }],
  ['depthwiseConv2d', (x, y) => tg.nn.depthwiseConv2d(tg.reshape(x, [1, 2, 2, 2]), tg.reshape(tg.slice(y, [0, 0], [1, 4]), [1, 1, 2, 2]), { strides: [1, 1, 1, 1], padding: 'SAME' })],
  ['cumsum, cumprod (exclusive, reverse)', (x) => tg.add(tg.cumsum(x, 1), tg.cumprod(x, 1, { exclusive: true, reverse: true }))],
  ['fusedBatchNorm training (NHWC), inference (NCHW)', (x, y) => {
    const [a] = tg.nn.fusedBatchNorm(tg.reshape(x, [1, 2, 2, 2]), [1.5, 0.5], [0.1, -0.2]);
    const [b] = tg.nn.fusedBatchNorm(tg.reshape(y, [1, 2, 2, 2]), [1, 2], [0, 1], { isTraining: false, mean: [0.5, -0.5], variance: [2, 0.5], dataFormat: 'NCHW' });
    return tg.add(a, b);
  }],
  ['maxPool, avgPool', (x) => {
    const img = tg.reshape(x, [1, 2, 4, 1]);
    return tg.add(tg.nn.maxPool(img, { ksize: [1, 2, 2, 1], strides: [1, 1, 2, 1], padding: 'SAME' }), tg.nn.avgPool(img, { ksize: [1, 2, 2, 1], strides: [1, 1, 2, 1], padding: 'SAME' }));
  }],
  ['localResponseNormalization (LRN, LRNGrad)', (x, y) => tg.add(
    tg.reshape(tg.nn.localResponseNormalization(tg.reshape(x, [1, 2, 1, 4]), { depthRadius: 1, bias: 0.5, alpha: 0.3, beta: 0.75 }), [2, 4]),
    tg.reshape(tg.nn.localResponseNormalization(tg.reshape(y, [2, 1, 1, 4])), [2, 4]),
  )],
  ['topK (values, indices; ties keep the lower index)', (x, y) => {
    const a = tg.nn.topK(tg.concat([x, tg.round(y)], 1), 3);
    return tg.add(a.values, tg.cast(a.indices, 'float32'));
  }],
  ['inTopK (k = 1, 2; a target out of range)', (x) => tg.cast(tg.concat([tg.nn.inTopK(x, tg.constant([3, 2], { dtype: 'int32' }), 1), tg.nn.inTopK(x, tg.constant([1, 9], { dtype: 'int32' }), 2)], 0), 'float32')],
  ['dynamicStitch (a repeated index: the later input wins; an unnamed row is 0)', (x, y) => tg.reshape(tg.dynamicStitch(
    [tg.constant([[0, 4], [2, 5]], { dtype: 'int32' }), tg.constant([5, 1], { dtype: 'int32' })],
    [tg.reshape(x, [2, 2, 2]), tg.slice(y, [0, 0], [2, 2])],
  ), [-1])],
  ['checkNumerics passes finite values (and checks the gradient)', (x) => tg.debugging.checkNumerics(tg.mul(x, x), 'x squared')],
];

describe('webgpu backend (runs on lavapipe in CI)', function () {
  this.timeout(120000);
  before(async function () {
    await requireAdapter(this);
  });

  for (const [name, build] of CASES) {
    it(`${name}: same values as the CPU`, async () => {
      const [c, w] = await both(build);
      close(c, w);
    });
    it(`${name}: same gradients as the CPU`, async function () {
      const [c, w] = await both((x, y) => {
        const z = build(x, y);
        if (z.dtype !== 'float32') return x;
        const gs = tg.gradients(tg.reduceSum(tg.mul(z, z)), [x, y]).filter((t): t is tg.Tensor => t !== null);
        return gs.length === 0 ? x : tg.addN(gs.map((t) => tg.reduceSum(t)));
      });
      close(c, w, 1e-4);
    });
  }

  it('a fused elementwise region and fused MatMul and Conv2D epilogues run as generated WGSL', async () => {
    const [c, w] = await both((x, y) => tg.nn.relu(tg.add(tg.matMul(x, y, { transposeB: true }), tg.constant([0.5, -1]))), true);
    close(c, w);
    const [c2, w2] = await both((x, y) => tg.nn.sigmoid(tg.mul(tg.add(x, y), tg.sub(x, 1))), true);
    close(c2, w2);
    const [c3, w3] = await both((x, y) => tg.nn.relu(tg.nn.biasAdd(tg.nn.conv2d(tg.reshape(x, [1, 2, 4, 1]), tg.reshape(y, [2, 2, 1, 2]), { strides: [1, 1, 1, 1], padding: 'SAME' }), tg.constant([0.5, -0.25]))), true);
    close(c3, w3);
  });

  it('seeded random ops give the CPU numbers (uniform exactly, normals to float32 rounding)', async () => {
    const g = new tg.Graph();
    const r = g.asDefault(() => [
      tg.randomUniform([3, 5], { seed: 3 }),
      tg.randomNormal([7], { seed: 4 }),
      tg.truncatedNormal([2, 9], { seed: 5 }),
      tg.cast(tg.randomUniform([6], { seed: 6, minval: -3, maxval: 9, dtype: 'int32' }), 'float32'),
    ]);
    const cpu = await new tg.Session({ graph: g }).run(r);
    const gpu = await new tg.Session({ graph: g, backend: 'webgpu' }).run(r);
    close(cpu[0], gpu[0], 0);
    close(cpu[1], gpu[1], 1e-5);
    close(cpu[2], gpu[2], 1e-5);
    close(cpu[3], gpu[3], 0);
  });

  it('an MLP trains on webgpu as on the CPU (seeded init, 20 Adam steps)', async () => {
    const losses: number[][] = [];
    for (const backend of ['cpu', 'webgpu'] as const) {
      const g = new tg.Graph();
      const m = g.asDefault(() => {
        tg.setRandomSeed(7);
        const x = tg.placeholder('float32', [null, 4], 'x');
        const labels = tg.placeholder('int32', [null], 'labels');
        const h = tg.layers.dense(x, 8, { activation: tg.nn.relu });
        const logits = tg.layers.dense(h, 3);
        const loss = tg.reduceMean(tg.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
        return { x, labels, loss, train: new tg.train.AdamOptimizer({ learningRate: 0.05 }).minimize(loss), init: tg.globalVariablesInitializer() };
      });
      // the initializers' random ops run on the CPU under soft placement, the training on the GPU
      const sess = new tg.Session({ graph: g, backend, allowSoftPlacement: true });
      await sess.run(m.init);
      const feeds = { [m.x.name]: tg.NDArray.from([[1, 2, 0, -1], [0.5, -1, 2, 0], [3, 1, -2, 1], [-1, -1, 1, 2]]), [m.labels.name]: tg.NDArray.from(new Int32Array([0, 2, 1, 0]), [4], 'int32') };
      const l: number[] = [];
      for (let i = 0; i < 20; i++) l.push((await sess.run([m.loss, m.train], feeds))[0].item());
      if (backend === 'webgpu') expect(sess.lastPlacement.filter((e) => e.type === 'ApplyAdam').map((e) => e.device)).to.deep.equal(['/device:GPU:0', '/device:GPU:0', '/device:GPU:0', '/device:GPU:0']);
      losses.push(l);
    }
    losses[0].forEach((v, i) => expect(Math.abs(v - losses[1][i]), `step ${i}`).to.be.below(1e-4));
    expect(losses[1][19]).to.be.below(losses[1][0]);
  });

  it('checkNumerics fails the run with the CPU\'s InvalidArgumentError, and the run changes no variable', async () => {
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const x = tg.placeholder('float32', [2, 4], 'x');
      const v = new tg.Variable(tg.constant([1, 2]), { name: 'v' });
      const checked = tg.debugging.checkNumerics(tg.div(tg.log(x), tg.constant(0.5)), 'log of x');
      return { x, v, z: tg.reduceSum(checked), inc: v.assignAdd(tg.constant([1, 1])), init: tg.globalVariablesInitializer() };
    });
    for (const [feed, kind] of [[[[1, -1, 2, 3], [1, 1, 1, 1]], 'NaN'], [[[1, 0, 2, 3], [1, 1, 1, 1]], 'Inf'], [[[1, 0, 2, 3], [-1, 1, 1, 1]], 'Inf and NaN']] as const) {
      for (const backend of ['cpu', 'webgpu'] as const) {
        const sess = new tg.Session({ graph: g, backend });
        await sess.run(m.init);
        let err: unknown;
        await sess.run([m.z, m.inc], { [m.x.name]: tg.NDArray.from(feed.map((r) => [...r])) }).catch((e: unknown) => (err = e));
        expect(err, `${backend} ${kind}`).to.be.instanceOf(tg.InvalidArgumentError);
        expect((err as Error).message).to.include(`log of x : Tensor had ${kind} values`);
        expect(Array.from((await sess.run(m.v.value())).data)).to.deep.equal([1, 2]);
      }
    }
  });

  it('1,000 runs leave the number and bytes of live GPU buffers unchanged', async () => {
    const backend = new WebGpuBackend();
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const x = tg.placeholder('float32', [2, 4], 'x');
      const w = new tg.Variable(tg.constant(new Float32Array(12).fill(0.1), { shape: [4, 3] }), { name: 'w' });
      const loss = tg.reduceSum(tg.square(tg.nn.relu(tg.matMul(x, w))));
      return { x, loss, train: new tg.train.GradientDescentOptimizer(0.01).minimize(loss), init: tg.globalVariablesInitializer() };
    });
    const sess = new tg.Session({ graph: g, backend });
    await sess.run(m.init);
    const feeds = { [m.x.name]: X };
    await sess.run([m.loss, m.train], feeds);
    const before = backend.liveBuffers;
    for (let i = 0; i < 1000; i++) await sess.run([m.loss, m.train], feeds);
    expect(backend.liveBuffers).to.deep.equal(before);
    expect(before.count).to.be.greaterThan(0);
  });

  it('variables stay on the device: host reads need syncVariables, which Saver calls', async () => {
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const v = new tg.Variable(tg.constant([1, 2, 3]), { name: 'v' });
      return { v, inc: v.assignAdd(tg.constant([1, 1, 1])), init: tg.globalVariablesInitializer() };
    });
    const sess = new tg.Session({ graph: g, backend: 'webgpu' });
    await sess.run(m.init);
    await sess.run(m.inc);
    expect(() => sess.variableValue('v')).to.throw(tg.FailedPreconditionError, /last written on \/device:GPU:0.*syncVariables/);
    await sess.syncVariables();
    expect(Array.from(sess.variableValue('v')!.data)).to.deep.equal([2, 3, 4]);
    sess.setVariableValues(new Map([['v', tg.NDArray.from([10, 20, 30])]]));
    await sess.run(m.inc);
    expect(Array.from((await sess.run(m.v.value())).data)).to.deep.equal([11, 21, 31]);
  });

  it('a lost device fails the next run with UnavailableError naming the variables it held; the session then runs on a new device', async () => {
    const devices: AcquiredDevice[] = [];
    const backend = new WebGpuBackend({
      acquire: async () => {
        const d = await acquireDevice();
        devices.push(d);
        return d;
      },
    });
    const g = new tg.Graph();
    const m = g.asDefault(() => {
      const v = new tg.Variable(tg.constant([1, 2]), { name: 'v' });
      const k = new tg.Variable(tg.constant([5, 6]), { name: 'k' });
      return { v, k, inc: v.assignAdd(tg.constant([1, 1])), sum: tg.add(v.value(), k.value()), init: tg.globalVariablesInitializer() };
    });
    const sess = new tg.Session({ graph: g, backend });
    await sess.run(m.init);
    await sess.syncVariables();
    await sess.run(m.inc);
    devices[0].device.destroy();
    await devices[0].device.lost;
    let err: unknown;
    await sess.run(m.sum).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(tg.UnavailableError);
    expect((err as Error).message).to.match(/WebGPU device lost .*new device.*only on the lost device are gone: v \(/);
    expect(devices).to.have.length(2);
    // k was synced to the host before the loss: it survives; v's newest value was only on the device
    await sess.run(m.sum).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(tg.FailedPreconditionError);
    expect((err as Error).message).to.match(/^Attempting to use uninitialized value v\n/);
    await sess.run(m.v.initializer);
    expect(Array.from((await sess.run(m.sum)).data)).to.deep.equal([6, 8]);
  });

  it('a launch the device rejects (invalid WGSL) fails the read back with an InternalError, not a silent zero', async () => {
    const gpu = new GpuContext(await acquireDevice());
    try {
      const out = gpu.alloc('float32', [4], 'a test output');
      gpu.launch({ key: 'broken', source: () => 'this is not WGSL', inputs: [], outputs: [out], workgroups: 1 });
      let err: unknown;
      await gpu.read(out).catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(tg.InternalError);
      expect((err as Error).message).to.match(/^WebGPU reported an error during a read back: /);
    } finally {
      gpu.destroy();
    }
  });

  it('an adapter below the kernels\' limits is refused with a ResourceExhaustedError naming the limit', () => {
    expect(() => checkAdapterLimits({ ...REQUIRED_LIMITS })).not.to.throw();
    expect(() => checkAdapterLimits({ ...REQUIRED_LIMITS, maxStorageBuffersPerShaderStage: 4 })).to.throw(tg.ResourceExhaustedError, /maxStorageBuffersPerShaderStage is 4; the tensorgraph kernels need at least 8/);
  });

  it('an op without a WebGPU kernel fails at plan time, or runs on the CPU under soft placement', async () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('int32', [4], 'x');
      // InvertPermutation's arithmetic runs on the host: it has no WebGPU kernel
      const inv = makeOp(InvertPermutation, [tg.add(x, tg.constant(0, { dtype: 'int32' }))], {}).outputs[0];
      return { x, y: tg.mul(tg.cast(inv, 'float32'), 2) };
    });
    const feeds = { [x.name]: tg.NDArray.from(new Int32Array([2, 0, 3, 1]), [4], 'int32') };
    const strict = new tg.Session({ graph: g, backend: 'webgpu' });
    let err: unknown;
    await strict.run(y, feeds).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(tg.UnimplementedError);
    expect((err as Error).message).to.match(/\(InvertPermutation\) on backend 'webgpu'.*allowSoftPlacement/);
    const soft = new tg.Session({ graph: g, backend: 'webgpu', allowSoftPlacement: true });
    const out = await soft.run(y, feeds);
    close(await new tg.Session({ graph: g }).run(y, feeds), out);
    expect(Array.from(out.data)).to.deep.equal([2, 6, 0, 4]);
    const inv = soft.lastPlacement.find((e) => e.type === 'InvertPermutation')!;
    expect(inv.device).to.equal('/device:CPU:0');
    expect(inv.softPlaced).to.match(/webgpu has no kernel: permutation arithmetic runs on the host/);
    expect(soft.lastPlacement.some((e) => e.type !== '_Copy' && e.device === '/device:GPU:0'), 'the arithmetic stays on the GPU').to.equal(true);
    expect(soft.lastPlacement.some((e) => e.type === '_Copy' && e.from === '/device:CPU:0')).to.equal(true);
  });
});
