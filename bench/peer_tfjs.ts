/**
 * One TensorFlow.js backend as a bench peer, in its own process (a backend and its thread count
 * are fixed once per process): `node dist/bench/peer_tfjs.js <cpu|wasm> <threads>` prints one
 * JSON line, workload id → Result.
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ADAM_LR, bias, fingerprint, input, LENET, MLP, SGD_LR, timeRuns, TRAIN_LABELS, weight, WORKLOADS } from './workloads.js';
import type { Result, WorkloadId } from './workloads.js';

type Param = (shape: readonly number[], data: Float32Array) => tf.Tensor;

function mlp(x: tf.Tensor, param: Param): tf.Tensor {
  let h = x;
  for (let i = 0; i < 3; i++) {
    const z = tf.add(tf.matMul(h as tf.Tensor2D, param([MLP[i], MLP[i + 1]], weight([MLP[i], MLP[i + 1]], i)) as tf.Tensor2D), param([MLP[i + 1]], bias(MLP[i + 1], i)));
    h = i < 2 ? tf.relu(z) : z;
  }
  return h;
}

function lenet(x: tf.Tensor, param: Param): tf.Tensor {
  const conv = (h: tf.Tensor4D, shape: readonly number[], i: number): tf.Tensor4D => {
    const z = tf.add(tf.conv2d(h, param(shape, weight(shape, 10 + i)) as tf.Tensor4D, 1, 'same'), param([shape[3]], bias(shape[3], 10 + i)));
    return tf.maxPool(tf.relu(z) as tf.Tensor4D, 2, 2, 'same');
  };
  const h = conv(conv(tf.reshape(x, [-1, 28, 28, 1]) as tf.Tensor4D, LENET.c1, 0), LENET.c2, 1);
  const fc1 = tf.relu(tf.add(tf.matMul(tf.reshape(h, [-1, 784]) as tf.Tensor2D, param(LENET.f1, weight(LENET.f1, 12)) as tf.Tensor2D), param([128], bias(128, 12))));
  return tf.add(tf.matMul(fc1 as tf.Tensor2D, param(LENET.f2, weight(LENET.f2, 13)) as tf.Tensor2D), param([10], bias(10, 13)));
}

// kept: the cache below creates them inside the first step's tidy
const constant: Param = (shape, data) => tf.keep(tf.tensor(data, [...shape]));
const variable: Param = (shape, data) => tf.variable(tf.tensor(data, [...shape]));

/** A step function and the value it computed (read back, so the timing includes the work). */
function build(id: WorkloadId): () => Float32Array {
  const ins = input(id).map((v) => tf.tensor(v.data, v.shape));
  const read = (t: tf.Tensor): Float32Array => {
    const d = t.dataSync() as Float32Array;
    t.dispose();
    return d;
  };
  switch (id) {
    case 'matmul':
      return () => read(tf.matMul(ins[0] as tf.Tensor2D, ins[1] as tf.Tensor2D));
    case 'elementwise':
      return () => read(tf.tidy(() => tf.mul(tf.relu(tf.add(tf.mul(ins[0], 1.5), 0.25)), tf.sigmoid(ins[0]))));
    case 'mlp64':
    case 'mlp1024':
    case 'lenet64': {
      const net = id === 'lenet64' ? lenet : mlp;
      const params = new Map<string, tf.Tensor>();
      const cached: Param = (shape, data) => {
        const key = `${shape.join('x')}:${data[0]}`;
        if (!params.has(key)) params.set(key, constant(shape, data));
        return params.get(key)!;
      };
      return () => read(tf.tidy(() => tf.softmax(net(ins[0], cached))));
    }
    case 'mlpTrain':
    case 'lenetTrain': {
      const net = id === 'lenetTrain' ? lenet : mlp;
      const vars = new Map<string, tf.Tensor>();
      const v: Param = (shape, data) => {
        const key = `${shape.join('x')}:${data[0]}`;
        if (!vars.has(key)) vars.set(key, variable(shape, data));
        return vars.get(key)!;
      };
      const y = tf.oneHot(tf.tensor1d(TRAIN_LABELS, 'int32'), 10);
      const opt = id === 'mlpTrain' ? tf.train.adam(ADAM_LR) : tf.train.sgd(SGD_LR);
      // create the variables before minimize lists the trainable ones
      tf.tidy(() => net(ins[0], v));
      return () => {
        const cost = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, net(ins[0], v)) as tf.Scalar, true);
        return read(cost!);
      };
    }
  }
}

async function main(): Promise<void> {
  const [backend, threads] = [process.argv[2], Number(process.argv[3] ?? 1)];
  if (backend === 'wasm') {
    const require = createRequire(import.meta.url);
    setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
    setThreadsCount(threads);
  }
  const results: Record<string, Result> = {};
  if (!(await tf.setBackend(backend))) {
    for (const w of WORKLOADS) results[w.id] = { error: `tfjs could not start its ${backend} backend` };
  } else {
    await tf.ready();
    const multi = backend === 'wasm' && threads > 1 && !(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    for (const w of WORKLOADS) {
      if (multi) {
        results[w.id] = { error: 'tfjs-wasm runs single-threaded in Node (WASM_HAS_MULTITHREAD_SUPPORT is false)' };
        continue;
      }
      try {
        const step = build(w.id);
        const first = step();
        const ms = await timeRuns(w.runs, step);
        results[w.id] = { ms, check: fingerprint(first), size: first.length };
      } catch (e) {
        results[w.id] = { error: (e as Error).message.split('\n')[0] };
      }
    }
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

await main();
