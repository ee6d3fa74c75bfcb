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
import { BATCH, buildMlpTraining, tfLenet, tfMlp, trainingData } from './training_models.js';
import type { TfTraining } from './training_models.js';


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
  const m = buildMlpTraining();
  const sess = new tg.Session({ graph: m.graph, backend: trainingBackend });
  await sess.run(m.init);
  const d = trainingData(1);
  const feeds = new Map<tg.Tensor, tg.FeedValue>([[m.x, { data: d.x, shape: [BATCH, 784] }], [m.y, d.labels]]);
  return timeIt(() => sess.run([m.loss, m.train], feeds), { runs: 10 });
}

async function oursLenet(): Promise<number> {
  const m = buildMnistGraph();
  const sess = new tg.Session({ graph: m.graph, backend: trainingBackend });
  await sess.run(m.init);
  const d = trainingData(2);
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
  const feeds = new Map<tg.Tensor, tg.FeedValue>([[x, { data: trainingData(3, 1024 * 1024).x, shape: [1024, 1024] }]]);
  return timeIt(() => sess.run(y, feeds), { runs: 10 });
}



/** A TensorFlow.js step that returns the loss and reads it, so the step waits for the device as ours does by fetching it. */
function tfStep(model: TfTraining): () => Promise<void> {
  return async () => {
    const cost = model.opt.minimize(model.loss, true);
    await cost!.data();
    cost!.dispose();
  };
}

async function tfChain(): Promise<number> {
  const x = tf.tensor2d(trainingData(3, 1024 * 1024).x, [1024, 1024]);
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
  rows.push({ workload: 'MLP 784-256-128-10 b64 Adam', impl: 'tfjs-webgpu', ms: await timeIt(tfStep(tfMlp()), { runs: 10 }) });
  rows.push({ workload: 'LeNet b64 Adam', impl: 'tensorgraph', ms: await oursLenet() });
  rows.push({ workload: 'LeNet b64 Adam', impl: 'tfjs-webgpu', ms: await timeIt(tfStep(tfLenet()), { runs: 5 }) });
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
