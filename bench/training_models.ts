/**
 * The training benchmarks' models and data, shared by `bench:training` (CPU peers) and
 * `bench:webgpu` (the WebGPU peer): an MLP 784-256-128-10 with Adam and the MNIST example's LeNet,
 * in tensorgraph and in TensorFlow.js, on seeded batches of 64.
 */
import * as tf from '@tensorflow/tfjs';
import * as tg from 'tensorgraph';

export const BATCH = 64;

/** Seeded inputs (n floats in [0, 1)) and BATCH labels: a linear congruential generator. */
export function trainingData(seed: number, n = BATCH * 784): { x: Float32Array; labels: Int32Array } {
  let s = seed;
  const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  return { x: Float32Array.from({ length: n }, next), labels: Int32Array.from({ length: BATCH }, () => Math.floor(next() * 10)) };
}

/** The MLP training graph in tensorgraph (Adam, lr 0.001). */
export function buildMlpTraining(): { graph: tg.Graph; x: tg.Tensor; y: tg.Tensor; loss: tg.Tensor; train: tg.Operation; init: tg.Operation } {
  const graph = new tg.Graph();
  const m = graph.asDefault(() => {
    const x = tg.placeholder('float32', [null, 784], 'x');
    const y = tg.placeholder('int32', [null], 'y');
    const h1 = tg.layers.dense(x, 256, { activation: tg.nn.relu });
    const h2 = tg.layers.dense(h1, 128, { activation: tg.nn.relu });
    const logits = tg.layers.dense(h2, 10);
    const loss = tg.reduceMean(tg.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
    return { x, y, loss, train: new tg.train.AdamOptimizer(0.001).minimize(loss), init: tg.globalVariablesInitializer() };
  });
  return { graph, ...m };
}

/** A TensorFlow.js model: its optimizer and its loss on the seeded batch (call inside minimize). */
export interface TfTraining {
  readonly opt: tf.Optimizer;
  readonly loss: () => tf.Scalar;
}

/** The MLP in TensorFlow.js on trainingData(1), Adam lr 0.001. */
export function tfMlp(): TfTraining {
  const w = [tf.variable(tf.randomNormal([784, 256], 0, 0.05)), tf.variable(tf.randomNormal([256, 128], 0, 0.05)), tf.variable(tf.randomNormal([128, 10], 0, 0.05))];
  const b = [tf.variable(tf.zeros([256])), tf.variable(tf.zeros([128])), tf.variable(tf.zeros([10]))];
  const d = trainingData(1);
  const x = tf.tensor2d(d.x, [BATCH, 784]);
  const y = tf.oneHot(tf.tensor1d(d.labels, 'int32'), 10);
  return {
    opt: tf.train.adam(0.001),
    loss: () => {
      const h1 = tf.relu(tf.add(tf.matMul(x, w[0]), b[0]));
      const h2 = tf.relu(tf.add(tf.matMul(h1, w[1]), b[1]));
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h2, w[2]), b[2])) as tf.Scalar;
    },
  };
}

/** The MNIST example's LeNet in TensorFlow.js on trainingData(2), Adam lr 0.002. */
export function tfLenet(): TfTraining {
  const v4 = (s: [number, number, number, number]): tf.Variable<tf.Rank.R4> => tf.variable(tf.truncatedNormal(s, 0, 0.1)) as tf.Variable<tf.Rank.R4>;
  const v2 = (s: [number, number]): tf.Variable<tf.Rank.R2> => tf.variable(tf.truncatedNormal(s, 0, 0.1)) as tf.Variable<tf.Rank.R2>;
  const [c1, c2, f1, f2] = [v4([5, 5, 1, 8]), v4([5, 5, 8, 16]), v2([784, 128]), v2([128, 10])];
  const [b1, b2, b3, b4] = [tf.variable(tf.fill([8], 0.1)), tf.variable(tf.fill([16], 0.1)), tf.variable(tf.fill([128], 0.1)), tf.variable(tf.fill([10], 0.1))];
  const d = trainingData(2);
  const x = tf.tensor4d(d.x, [BATCH, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(d.labels, 'int32'), 10);
  return {
    opt: tf.train.adam(0.002),
    loss: () => {
      const h1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, c1, 1, 'same'), b1)) as tf.Tensor4D, 2, 2, 'same');
      const h2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(h1, c2, 1, 'same'), b2)) as tf.Tensor4D, 2, 2, 'same');
      const fc = tf.relu(tf.add(tf.matMul(tf.reshape(h2, [-1, 784]), f1), b3));
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(fc, f2), b4)) as tf.Scalar;
    },
  };
}
