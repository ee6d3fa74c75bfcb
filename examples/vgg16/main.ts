/**
 * VGG16 (seed notes): prints the per-layer table (tg.tools.summary) of the 1000-class 224x224 model (138,357,544
 * parameters), then runs one forward pass and one training step of the same architecture at a
 * small input size.
 *
 *   npm run vgg16
 */
import { pathToFileURL } from 'node:url';
import * as tg from 'tensorgraph';
import { buildVgg16, countParams } from './model.js';

export async function runVgg16(options: { smallSize?: number; batch?: number; classes?: number; log?: (l: string) => void } = {}): Promise<{ fullParams: number; loss0: number; loss1: number }> {
  const log = options.log ?? ((l: string) => console.log(l));
  const full = new tg.Graph();
  full.asDefault(() => buildVgg16(tg.placeholder('float32', [null, 224, 224, 3], 'images')));
  log(tg.tools.summary(full).text);
  const fullParams = countParams(full);

  const size = options.smallSize ?? 32;
  const batch = options.batch ?? 2;
  const classes = options.classes ?? 10;
  const small = new tg.Graph();
  small.seed = 7;
  const t = small.asDefault(() => {
    const images = tg.placeholder('float32', [null, size, size, 3], 'images');
    const labels = tg.placeholder('int32', [null], 'labels');
    const { logits } = buildVgg16(images, { inputSize: size, classes, fcWidth: 256 });
    const loss = tg.reduceMean(tg.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
    const train = new tg.train.GradientDescentOptimizer(0.01).minimize(loss);
    return { images, labels, logits, loss, train, init: tg.globalVariablesInitializer() };
  });
  const sess = new tg.Session({ graph: small });
  await sess.run(t.init);
  const x = Float32Array.from({ length: batch * size * size * 3 }, (_v, i) => Math.sin(i) * 0.5 + 0.5);
  const feeds = new Map<tg.Tensor, tg.FeedValue>([[t.images, { data: x, shape: [batch, size, size, 3] }], [t.labels, Int32Array.from({ length: batch }, (_v, i) => i % classes)]]);
  const t0 = performance.now();
  const [logits, loss0] = await sess.run([t.logits, t.loss], feeds);
  log(`forward at ${size}x${size}, batch ${batch}: logits ${JSON.stringify(logits.shape)}, loss ${loss0.item().toFixed(4)} (${(performance.now() - t0).toFixed(0)} ms)`);
  const t1 = performance.now();
  await sess.run(t.train, feeds);
  const loss1 = ((await sess.run(t.loss, feeds)) as tg.NDArray).item();
  log(`one training step: ${(performance.now() - t1).toFixed(0)} ms, loss ${loss0.item().toFixed(4)} -> ${loss1.toFixed(4)}`);
  sess.close();
  return { fullParams, loss0: loss0.item(), loss1 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runVgg16();
}
