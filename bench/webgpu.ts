/**
 * WebGPU benchmark, tensorgraph's WebGPU backend against @tensorflow/tfjs-backend-webgpu on the
 * same adapter in the same process (in Node, tfjs gets `navigator.gpu` from the `webgpu`
 * package): matMul 1024³ and 4096³ in GFLOP/s, MLP and LeNet training steps (batch 64, Adam, the
 * loss read back each step), and an elementwise chain; then, in the same run, our gemm with each
 * tile config pinned (GFLOP/s), and how many pipelines the training plans built ahead of their
 * first step (precompile) and at launch. TG_BENCH_SMALL=1 skips 4096³ (minutes on a software
 * adapter). The adapter is named first: on a real GPU the whole run is this one command.
 *
 *   npm run bench:webgpu
 */
import * as tf from '@tensorflow/tfjs';
import * as tg from 'tensorgraph';
import { buildMnistGraph } from '../examples/mnist/model.js';
import { findGpu } from '../runtime/webgpu/device.js';
import { WebGpuBackend } from '../runtime/webgpu/webgpu_backend.js';
import { GEMM_CONFIGS, gemmConfigFor, pinGemmConfig } from '../runtime/webgpu/kernels/gemm_config.js';
import { printTable, Row, timeIt } from './harness.js';

const BATCH = 64;

function data(seed: number, n = BATCH * 784): { x: Float32Array; labels: Int32Array } {
  let s = seed;
  const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  return { x: Float32Array.from({ length: n }, next), labels: Int32Array.from({ length: BATCH }, () => Math.floor(next() * 10)) };
}

async function oursMatMul(n: number, runs: number, backend: WebGpuBackend): Promise<number> {
  const g = new tg.Graph();
  const { c, init } = g.asDefault(() => {
    const a = new tg.Variable(tg.fill([n, n], 0.5), { name: 'a' });
    const b = new tg.Variable(tg.fill([n, n], 0.25), { name: 'b' });
    // the product is reduced on the device: the timing is the product, not an n² read back
    return { c: tg.reduceSum(tg.matMul(a, b)), init: tg.globalVariablesInitializer() };
  });
  const sess = new tg.Session({ graph: g, backend });
  await sess.run(init);
  return timeIt(() => sess.run(c), { warmup: 1, runs });
}

async function tfMatMul(n: number, runs: number): Promise<number> {
  const a = tf.fill([n, n], 0.5);
  const b = tf.fill([n, n], 0.25);
  return timeIt(async () => {
    const s = tf.tidy(() => tf.sum(tf.matMul(a, b)));
    await s.data();
    s.dispose();
  }, { warmup: 1, runs });
}

/** Pipelines built ahead (precompile) and at launch by the training benchmarks' sessions. */
const trainingBackend = new WebGpuBackend();

async function oursMlp(): Promise<number> {
  const g = new tg.Graph();
  const m = g.asDefault(() => {
    const x = tg.placeholder('float32', [null, 784], 'x');
    const y = tg.placeholder('int32', [null], 'y');
    const h1 = tg.layers.dense(x, 256, { activation: tg.nn.relu });
    const h2 = tg.layers.dense(h1, 128, { activation: tg.nn.relu });
    const logits = tg.layers.dense(h2, 10);
    const loss = tg.reduceMean(tg.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
    return { x, y, loss, train: new tg.train.AdamOptimizer(0.001).minimize(loss), init: tg.globalVariablesInitializer() };
  });
  const sess = new tg.Session({ graph: g, backend: trainingBackend });
  await sess.run(m.init);
  const d = data(1);
  const feeds = new Map<tg.Tensor, tg.FeedValue>([[m.x, { data: d.x, shape: [BATCH, 784] }], [m.y, d.labels]]);
  return timeIt(() => sess.run([m.loss, m.train], feeds), { runs: 10 });
}

async function oursLenet(): Promise<number> {
  const m = buildMnistGraph();
  const sess = new tg.Session({ graph: m.graph, backend: trainingBackend });
  await sess.run(m.init);
  const d = data(2);
  const feeds = new Map<tg.Tensor, tg.FeedValue>([[m.images, { data: d.x, shape: [BATCH, 784] }], [m.labels, d.labels]]);
  return timeIt(() => sess.run([m.loss, m.trainOp], feeds), { runs: 5 });
}

async function oursChain(): Promise<number> {
  const g = new tg.Graph();
  const { x, y } = g.asDefault(() => {
    const x = tg.placeholder('float32', [1024, 1024], 'x');
    let h: tg.Tensor = x;
    for (let i = 0; i < 8; i++) h = tg.nn.relu(tg.add(tg.mul(h, 1.01), -0.001));
    return { x, y: tg.reduceSum(tg.nn.sigmoid(h)) };
  });
  const sess = new tg.Session({ graph: g, backend: 'webgpu' });
  const feeds = new Map<tg.Tensor, tg.FeedValue>([[x, { data: data(3, 1024 * 1024).x, shape: [1024, 1024] }]]);
  return timeIt(() => sess.run(y, feeds), { runs: 10 });
}

/** tfjs steps return the loss so the step waits for the device, as ours does by fetching it. */
function tfMlpStep(): () => Promise<void> {
  const w = [tf.variable(tf.randomNormal([784, 256], 0, 0.05)), tf.variable(tf.randomNormal([256, 128], 0, 0.05)), tf.variable(tf.randomNormal([128, 10], 0, 0.05))];
  const b = [tf.variable(tf.zeros([256])), tf.variable(tf.zeros([128])), tf.variable(tf.zeros([10]))];
  const opt = tf.train.adam(0.001);
  const d = data(1);
  const x = tf.tensor2d(d.x, [BATCH, 784]);
  const y = tf.oneHot(tf.tensor1d(d.labels, 'int32'), 10);
  return async () => {
    const cost = opt.minimize(() => {
      const h1 = tf.relu(tf.add(tf.matMul(x, w[0]), b[0]));
      const h2 = tf.relu(tf.add(tf.matMul(h1, w[1]), b[1]));
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h2, w[2]), b[2])) as tf.Scalar;
    }, true);
    await cost!.data();
    cost!.dispose();
  };
}

function tfLenetStep(): () => Promise<void> {
  const v4 = (s: [number, number, number, number]): tf.Variable<tf.Rank.R4> => tf.variable(tf.truncatedNormal(s, 0, 0.1)) as tf.Variable<tf.Rank.R4>;
  const v2 = (s: [number, number]): tf.Variable<tf.Rank.R2> => tf.variable(tf.truncatedNormal(s, 0, 0.1)) as tf.Variable<tf.Rank.R2>;
  const [c1, c2, f1, f2] = [v4([5, 5, 1, 8]), v4([5, 5, 8, 16]), v2([784, 128]), v2([128, 10])];
  const [b1, b2, b3, b4] = [tf.variable(tf.fill([8], 0.1)), tf.variable(tf.fill([16], 0.1)), tf.variable(tf.fill([128], 0.1)), tf.variable(tf.fill([10], 0.1))];
  const opt = tf.train.adam(0.002);
  const d = data(2);
  const x = tf.tensor4d(d.x, [BATCH, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(d.labels, 'int32'), 10);
  return async () => {
    const cost = opt.minimize(() => {
      const h1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, c1, 1, 'same'), b1)) as tf.Tensor4D, 2, 2, 'same');
      const h2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(h1, c2, 1, 'same'), b2)) as tf.Tensor4D, 2, 2, 'same');
      const fc = tf.relu(tf.add(tf.matMul(tf.reshape(h2, [-1, 784]), f1), b3));
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(fc, f2), b4)) as tf.Scalar;
    }, true);
    await cost!.data();
    cost!.dispose();
  };
}

async function tfChain(): Promise<number> {
  const x = tf.tensor2d(data(3, 1024 * 1024).x, [1024, 1024]);
  return timeIt(async () => {
    const s = tf.tidy(() => {
      let h: tf.Tensor = x;
      for (let i = 0; i < 8; i++) h = tf.relu(tf.add(tf.mul(h, 1.01), -0.001));
      return tf.sum(tf.sigmoid(h));
    });
    await s.data();
    s.dispose();
  }, { runs: 10 });
}

async function main(): Promise<void> {
  const gpu = await findGpu();
  if (!gpu) {
    console.log('No WebGPU adapter: nothing to measure.');
    return;
  }
  // tfjs-backend-webgpu looks for navigator.gpu (Node 21+ has a navigator without one)
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  else if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  // the backend registers itself on import only where navigator.gpu exists
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start its webgpu backend');
  await tf.ready();
  const backend = new WebGpuBackend();
  const probe = new tg.Graph();
  await new tg.Session({ graph: probe, backend }).run(probe.asDefault(() => tg.add(tg.constant(1), 1)));
  console.log(`adapter: ${backend.adapterDescription ?? 'unknown'} (${new Date().toISOString()}, node ${process.versions.node})`);
  const rows: Row[] = [];
  const sizes = process.env.TG_BENCH_SMALL === '1' ? [1024] : [1024, 4096];
  const gflops: string[] = [];
  for (const n of sizes) {
    const runs = n >= 4096 ? 3 : 5;
    const ours = await oursMatMul(n, runs, backend);
    const theirs = await tfMatMul(n, runs);
    rows.push({ workload: `matMul ${n}^3`, impl: 'tensorgraph', ms: ours }, { workload: `matMul ${n}^3`, impl: 'tfjs-webgpu', ms: theirs });
    const gf = (ms: number): string => ((2 * n ** 3) / (ms * 1e6)).toFixed(1);
    gflops.push(`matMul ${n}^3: tensorgraph ${gf(ours)} GFLOP/s (${gemmConfigFor(n, n, 1).name} tile), tfjs-webgpu ${gf(theirs)} GFLOP/s`);
  }
  // each tile config on the same device, in the same run
  for (const n of sizes) {
    const runs = n >= 4096 ? 3 : 5;
    const gf = (ms: number): string => ((2 * n ** 3) / (ms * 1e6)).toFixed(1);
    const per: string[] = [];
    for (const cfg of Object.values(GEMM_CONFIGS)) {
      pinGemmConfig(cfg);
      try {
        per.push(`${cfg.name} ${gf(await oursMatMul(n, runs, backend))}`);
      } finally {
        pinGemmConfig(null);
      }
    }
    gflops.push(`matMul ${n}^3 by tile (GFLOP/s): ${per.join(', ')}`);
  }
  rows.push({ workload: 'MLP 784-256-128-10 b64 Adam', impl: 'tensorgraph', ms: await oursMlp() });
  rows.push({ workload: 'MLP 784-256-128-10 b64 Adam', impl: 'tfjs-webgpu', ms: await timeIt(tfMlpStep(), { runs: 10 }) });
  rows.push({ workload: 'LeNet b64 Adam', impl: 'tensorgraph', ms: await oursLenet() });
  rows.push({ workload: 'LeNet b64 Adam', impl: 'tfjs-webgpu', ms: await timeIt(tfLenetStep(), { runs: 5 }) });
  rows.push({ workload: 'elementwise chain 1024^2 x25', impl: 'tensorgraph', ms: await oursChain() });
  rows.push({ workload: 'elementwise chain 1024^2 x25', impl: 'tfjs-webgpu', ms: await tfChain() });
  for (const line of gflops) console.log(line);
  const p = trainingBackend.pipelineStats;
  console.log(`training sessions' pipelines: ${p.precompiled} built ahead (precompile), ${p.builtAtLaunch} at launch`);
  printTable(rows);
}

await main();
// Dawn's threads keep Node alive once the work is done
process.exit(0);
