/**
 * WebGPU benchmark: matMul (1024³, and 4096³ unless TG_BENCH_SMALL=1) in GFLOP/s and an MLP
 * training step (784-256-128-10, batch 64, Adam), tensorgraph's WebGPU backend against
 * @tensorflow/tfjs-backend-webgpu on the same adapter in the same process (in Node, tfjs gets
 * `navigator.gpu` from the `webgpu` package's globals).
 *
 *   npm run bench:webgpu
 */
import * as tg from 'tensorgraph';
import { WebGpuBackend } from '../runtime/webgpu/webgpu_backend.js';
import { findGpu } from '../runtime/webgpu/device.js';

async function timeRuns(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - t0) / runs;
}

async function oursMatMul(n: number, runs: number): Promise<{ ms: number; adapter: string }> {
  const backend = new WebGpuBackend();
  const g = new tg.Graph();
  const { c, init } = g.asDefault(() => {
    const a = new tg.Variable(tg.fill([n, n], 0.5), { name: 'a' });
    const b = new tg.Variable(tg.fill([n, n], 0.25), { name: 'b' });
    // the product is reduced on the device, so the timing is not a 4096² read back
    return { c: tg.reduceSum(tg.matMul(a, b)), init: tg.globalVariablesInitializer() };
  });
  const sess = new tg.Session({ graph: g, backend, allowSoftPlacement: true });
  await sess.run(init);
  const ms = await timeRuns(() => sess.run(c), runs);
  return { ms, adapter: backend.adapterDescription ?? '?' };
}

async function oursMlp(runs: number): Promise<number> {
  const g = new tg.Graph();
  const { x, y, train, init } = g.asDefault(() => {
    const x = tg.placeholder('float32', [null, 784], 'x');
    const y = tg.placeholder('int32', [null], 'y');
    const h1 = tg.layers.dense(x, 256, { activation: tg.nn.relu });
    const h2 = tg.layers.dense(h1, 128, { activation: tg.nn.relu });
    const logits = tg.layers.dense(h2, 10);
    const loss = tg.reduceMean(tg.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
    return { x, y, train: new tg.train.AdamOptimizer(0.001).minimize(loss), init: tg.globalVariablesInitializer() };
  });
  const sess = new tg.Session({ graph: g, backend: 'webgpu', allowSoftPlacement: true });
  await sess.run(init);
  const feeds = new Map<tg.Tensor, tg.FeedValue>([[x, { data: new Float32Array(64 * 784).fill(0.1), shape: [64, 784] }], [y, new Int32Array(64)]]);
  return timeRuns(() => sess.run(train, feeds), runs);
}

async function tfjsMatMul(n: number, runs: number): Promise<number | null> {
  try {
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) return null;
    await tf.ready();
    const a = tf.fill([n, n], 0.5);
    const b = tf.fill([n, n], 0.25);
    const run = async (): Promise<void> => {
      const s = tf.tidy(() => tf.sum(tf.matMul(a, b)));
      await s.data();
      s.dispose();
    };
    return await timeRuns(run, runs);
  } catch (e) {
    console.log(`tfjs-webgpu unavailable: ${(e as Error).message}`);
    return null;
  }
}

async function main(): Promise<void> {
  const gpu = await findGpu();
  if (!gpu) {
    console.log('No WebGPU adapter: nothing to measure.');
    return;
  }
  // tfjs-backend-webgpu looks for navigator.gpu
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav && !nav.gpu) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else if (!nav) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  const sizes = process.env.TG_BENCH_SMALL === '1' ? [1024] : [1024, 4096];
  for (const n of sizes) {
    const runs = n >= 4096 ? 2 : 5;
    const ours = await oursMatMul(n, runs);
    const theirs = await tfjsMatMul(n, runs);
    const gf = (ms: number): string => ((2 * n ** 3) / (ms * 1e6)).toFixed(1);
    console.log(`matMul ${n}³ on ${ours.adapter}: tensorgraph ${gf(ours.ms)} GFLOP/s (${ours.ms.toFixed(1)} ms)` + (theirs ? `, tfjs-webgpu ${gf(theirs)} GFLOP/s (${theirs.toFixed(1)} ms), ratio ${(theirs / ours.ms).toFixed(2)}×` : ''));
  }
  const mlp = await oursMlp(10);
  console.log(`MLP 784-256-128-10 batch 64 Adam step: tensorgraph webgpu ${mlp.toFixed(2)} ms`);
}

await main();
// Dawn's threads keep Node alive after the work is done
process.exit(0);
