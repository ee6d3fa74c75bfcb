/**
 * Training-step benchmark: an MLP (784-256-128-10, batch 64, Adam) and the MNIST example's LeNet
 * (batch 64, Adam), in tensorgraph and in TensorFlow.js on its cpu and wasm backends, in one run.
 *
 *   npm run bench:training
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tg from 'tensorgraph';
import { buildMnistGraph } from '../examples/mnist/model.js';
import { printTable, Row, timeIt } from './harness.js';
import { BATCH, buildMlpTraining, tfLenet, tfMlp, trainingData } from './training_models.js';
import type { TfTraining } from './training_models.js';


async function oursMlp(): Promise<number> {
  const { graph, x, y, train, init } = buildMlpTraining();
  const sess = new tg.Session({ graph });
  await sess.run(init);
  const d = trainingData(1);
  const feeds = new Map<tg.Tensor, tg.FeedValue>([[x, { data: d.x, shape: [BATCH, 784] }], [y, d.labels]]);
  return timeIt(() => sess.run(train, feeds));
}

async function oursLenet(): Promise<number> {
  const m = buildMnistGraph();
  const sess = new tg.Session({ graph: m.graph });
  await sess.run(m.init);
  const d = trainingData(2);
  const feeds = new Map<tg.Tensor, tg.FeedValue>([[m.images, { data: d.x, shape: [BATCH, 784] }], [m.labels, d.labels]]);
  return timeIt(() => sess.run(m.trainOp, feeds), { runs: 5 });
}



/** A TensorFlow.js training step: minimize the model's loss, the step's tensors freed. */
function tfStep(model: TfTraining): () => void {
  return () => {
    tf.tidy(() => {
      model.opt.minimize(model.loss);
    });
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  rows.push({ workload: 'MLP 784-256-128-10 b64 Adam', impl: 'tensorgraph', ms: await oursMlp() });
  rows.push({ workload: 'LeNet b64 Adam', impl: 'tensorgraph', ms: await oursLenet() });
  const require = createRequire(import.meta.url);
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const [workload, make, runs] of [
      ['MLP 784-256-128-10 b64 Adam', tfMlp, 10],
      ['LeNet b64 Adam', tfLenet, 5],
    ] as const) {
      try {
        rows.push({ workload, impl: `tfjs-${backend}`, ms: await timeIt(tfStep(make()), { runs }) });
      } catch (e) {
        // e.g. tfjs-wasm has no Conv2DBackpropFilter kernel, so it cannot train the CNN
        rows.push({ workload, impl: `tfjs-${backend}`, ms: NaN, note: (e as Error).message.split('\n')[0] });
      }
    }
  }
  rows.sort((a, b) => a.workload.localeCompare(b.workload));
  printTable(rows);
}

await main();
