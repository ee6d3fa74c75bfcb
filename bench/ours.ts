/** The bench workloads in tensorgraph, on the CPU backend with the chosen kernels. */
import * as tg from '../src/index.js';
import { ADAM_LR, bias, fingerprint, input, LENET, MLP, SGD_LR, timeRuns, TRAIN_LABELS, weight } from './workloads.js';
import type { Result, Workload, WorkloadId } from './workloads.js';

type Param = (shape: readonly number[], data: Float32Array) => tg.Tensor;

function mlp(x: tg.Tensor, param: Param): tg.Tensor {
  let h = x;
  for (let i = 0; i < 3; i++) {
    const z = tg.add(tg.matMul(h, param([MLP[i], MLP[i + 1]], weight([MLP[i], MLP[i + 1]], i))), param([MLP[i + 1]], bias(MLP[i + 1], i)));
    h = i < 2 ? tg.nn.relu(z) : z;
  }
  return h;
}

function lenet(x: tg.Tensor, param: Param): tg.Tensor {
  const conv = (h: tg.Tensor, shape: readonly number[], i: number) => {
    const z = tg.nn.biasAdd(tg.nn.conv2d(h, param(shape, weight(shape, 10 + i)), { strides: 1, padding: 'SAME' }), param([shape[3]], bias(shape[3], 10 + i)));
    return tg.nn.maxPool(tg.nn.relu(z), { ksize: 2, strides: 2, padding: 'SAME' });
  };
  const h = conv(conv(tg.reshape(x, [-1, 28, 28, 1]), LENET.c1, 0), LENET.c2, 1);
  const fc1 = tg.nn.relu(tg.add(tg.matMul(tg.reshape(h, [-1, 784]), param(LENET.f1, weight(LENET.f1, 12))), param([128], bias(128, 12))));
  return tg.add(tg.matMul(fc1, param(LENET.f2, weight(LENET.f2, 13))), param([10], bias(10, 13)));
}

const constant: Param = (shape, data) => tg.constant(tg.NDArray.from(data, [...shape]));
const variable: Param = (shape, data) => new tg.Variable(tg.NDArray.from(data, [...shape])).value();

/** The graph of a workload: its placeholders in input order, what a run fetches, what is checked. */
export function buildOurs(id: WorkloadId): { graph: tg.Graph; inputs: tg.Tensor[]; fetch: tg.Tensor | tg.Operation; check: tg.Tensor; labels?: tg.Tensor; init?: tg.Operation } {
  const graph = new tg.Graph();
  return graph.asDefault(() => {
    const shapes = input(id).map((v) => v.shape);
    const inputs = shapes.map((s, i) => tg.placeholder('float32', id === 'matmul' || id === 'elementwise' ? s : [null, s[1]], `in${i}`));
    switch (id) {
      case 'matmul': {
        const y = tg.matMul(inputs[0], inputs[1], {}, 'out');
        return { graph, inputs, fetch: y, check: y };
      }
      case 'elementwise': {
        const x = inputs[0];
        const y = tg.mul(tg.nn.relu(tg.add(tg.mul(x, 1.5), 0.25)), tg.sigmoid(x), 'out');
        return { graph, inputs, fetch: y, check: y };
      }
      case 'mlp64':
      case 'mlp1024':
      case 'lenet64': {
        const y = tg.nn.softmax((id === 'lenet64' ? lenet : mlp)(inputs[0], constant), -1, 'out');
        return { graph, inputs, fetch: y, check: y };
      }
      case 'mlpTrain':
      case 'lenetTrain': {
        const labels = tg.placeholder('int32', [null], 'labels');
        const logits = (id === 'lenetTrain' ? lenet : mlp)(inputs[0], variable);
        const loss = tg.reduceMean(tg.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
        const opt = id === 'mlpTrain' ? new tg.train.AdamOptimizer(ADAM_LR) : new tg.train.GradientDescentOptimizer(SGD_LR);
        return { graph, inputs, fetch: opt.minimize(loss), check: loss, labels, init: tg.globalVariablesInitializer() };
      }
    }
  });
}

/**
 * Runs a workload in a fresh session: the first run's checked value, then the median time.
 * `threads` as the backend's option (undefined: its default, one per core).
 */
export async function runOurs(w: Workload, kernels: tg.CpuKernelMode, threads?: number): Promise<Result> {
  const m = buildOurs(w.id);
  const sess = new tg.Session({ graph: m.graph, backend: new tg.CpuBackend({ kernels, threads }) });
  try {
    if (m.init) await sess.run(m.init);
    const feeds = new Map<tg.Tensor, tg.FeedValue>(input(w.id).map((v, i) => [m.inputs[i], v]));
    if (m.labels) feeds.set(m.labels, TRAIN_LABELS);
    const [checked] = (await sess.run([m.check, m.fetch], feeds)) as [tg.NDArray, unknown];
    const ms = await timeRuns(w.runs, () => sess.run(m.fetch, feeds));
    return { ms, check: fingerprint(checked.data as Float32Array), size: checked.size };
  } finally {
    sess.close();
  }
}

