import type * as TG from '../../src/index.js';

/*
 * What the WebGPU browser test runs in the page (backend 'webgpu', navigator.gpu) and in Node (on
 * the CPU, the reference). Like workload.ts, it takes the library as a parameter and imports
 * nothing at run time, so the page loads the compiled file next to the bundle.
 */

export interface WebGpuWorkloadResult {
  /** The loss of each training step. */
  losses: number[];
  /** Where the MatMul and the update ran. */
  devices: string[];
  /** null when the session ran; else why it could not (no adapter in this browser). */
  unavailable: string | null;
}

/** A dense softmax classifier, a few gradient-descent steps on fixed points. */
export async function runWebGpuWorkload(tg: typeof TG, backend: 'cpu' | 'webgpu', steps: number): Promise<WebGpuWorkloadResult> {
  const graph = new tg.Graph();
  const m = graph.asDefault(() => {
    const x = tg.placeholder('float32', [null, 3], 'x');
    const labels = tg.placeholder('int32', [null], 'labels');
    const w = new tg.Variable(tg.constant([[0.1, -0.2], [0.3, 0.05], [-0.1, 0.2]]), { name: 'w' });
    const b = new tg.Variable(tg.zeros([2]), { name: 'b' });
    const logits = tg.add(tg.matMul(x, w), b);
    const loss = tg.reduceMean(tg.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
    return { x, labels, loss, train: new tg.train.GradientDescentOptimizer(0.5).minimize(loss), init: tg.globalVariablesInitializer() };
  });
  const sess = new tg.Session({ graph, backend });
  try {
    await sess.run(m.init);
  } catch (e) {
    if ((e as Error).name === 'UnavailableError') return { losses: [], devices: [], unavailable: (e as Error).message };
    throw e;
  }
  const feeds = new Map<TG.Tensor, TG.FeedValue>([
    [m.x, [[0.5, 1, -1], [1, -0.5, 0.25], [-1, 0.5, 1], [0.25, 0.75, -0.5]]],
    [m.labels, new Int32Array([0, 1, 1, 0])],
  ]);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await sess.run([m.loss, m.train], feeds))[0].item());
  const devices = sess.lastPlacement.filter((e) => e.type === 'MatMul' || e.type === 'ApplyGradientDescent').map((e) => e.device);
  sess.close();
  return { losses, devices, unavailable: null };
}
