import * as tg from 'tensorgraph';
import cliProgress from 'cli-progress';
import { batch, Digits, loadMnist, shiftBatch, shuffleDigits } from './data.js';
import { buildMnistGraph, MnistGraph } from './model.js';

export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Stop after this many training examples (for quick runs and tests). */
  limit?: number;
  /** Random shifts of up to this many pixels (0: none). */
  augment?: number;
  seed?: number;
  progress?: boolean;
  /** Called after each epoch (the main job saves a checkpoint there). */
  onEpochEnd?: (epoch: number, sess: tg.Session, model: MnistGraph) => Promise<void>;
  /** Called once the graph is built, before the first step. */
  onStart?: (model: MnistGraph) => void;
  /** Called after each step with values already fetched (the main job logs them for TensorBoard). */
  onStep?: (step: number, loss: number, accuracy: number, images: Float32Array, count: number) => void;
  log?: (line: string) => void;
}

export interface TrainResult {
  model: MnistGraph;
  session: tg.Session;
  losses: number[];
  testAccuracy: number;
  test: Digits;
}

/** Stops training with a message naming the step when the loss is NaN or infinite. */
export function checkFiniteLoss(loss: number, step: number, epoch: number): void {
  if (!Number.isFinite(loss)) {
    throw new tg.InvalidArgumentError(`Training diverged: the loss is ${loss} at step ${step} (epoch ${epoch}); stopping.`);
  }
}

/** Accuracy over a whole set, in batches. */
export async function evaluate(sess: tg.Session, m: MnistGraph, set: Digits, batchSize = 500): Promise<number> {
  let correct = 0;
  for (let i = 0; i < set.count; i += batchSize) {
    const b = batch(set, i, batchSize);
    const n = b.labels.length;
    const acc = (await sess.run(m.accuracy, new Map<tg.Tensor, tg.FeedValue>([[m.images, { data: b.images, shape: [n, 784] }], [m.labels, b.labels]]))) as tg.NDArray;
    correct += acc.item() * n;
  }
  return correct / set.count;
}

/** Trains the CNN with Adam, showing a live progress bar; returns the session for what follows. */
export async function trainMnist(options: TrainOptions = {}): Promise<TrainResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const epochs = options.epochs ?? 6;
  const bs = options.batchSize ?? 32;
  const { train, test } = loadMnist({ seed: options.seed ?? 1234 });
  const n = Math.min(train.count, options.limit ?? train.count);
  const bsEff = options.batchSize ?? 32;
  const m = buildMnistGraph({ learningRate: options.learningRate, seed: options.seed, decaySteps: Math.ceil(Math.min(train.count, options.limit ?? train.count) / bsEff) });
  const sess = new tg.Session({ graph: m.graph });
  await sess.run(m.init);
  options.onStart?.(m);
  const stepsPerEpoch = Math.ceil(n / bs);
  const bar = options.progress === false ? null : new cliProgress.SingleBar(
    { format: 'epoch {epoch}/{epochs} |{bar}| step {value}/{total}  loss {loss}  acc {acc}  {rate} ex/s', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const losses: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    // a fresh (seeded) order every epoch
    if (epoch > 1) shuffleDigits(train, (options.seed ?? 1234) + epoch);
    bar?.start(stepsPerEpoch, 0, { epoch, epochs, loss: '-', acc: '-', rate: '-' });
    const t0 = performance.now();
    let seen = 0;
    for (let i = 0; i < n; i += bs) {
      const b = batch(train, i, Math.min(bs, n - i));
      const k = b.labels.length;
      const shift = options.augment ?? 2;
      const images = shift > 0 ? shiftBatch(b.images, k, shift, (options.seed ?? 1234) * 7919 + step) : b.images;
      const feeds = new Map<tg.Tensor, tg.FeedValue>([[m.images, { data: images, shape: [k, 784] }], [m.labels, b.labels]]);
      const [loss, acc] = await sess.run([m.loss, m.accuracy, m.trainOp], feeds);
      step++;
      seen += k;
      const l = loss!.item();
      if (!Number.isFinite(l)) bar?.stop();
      checkFiniteLoss(l, step, epoch);
      losses.push(l);
      options.onStep?.(step, l, acc!.item(), images, k);
      const rate = (seen / ((performance.now() - t0) / 1000)).toFixed(0);
      bar?.update(Math.ceil(seen / bs), { epoch, epochs, loss: l.toFixed(4), acc: acc!.item().toFixed(3), rate });
    }
    bar?.stop();
    const secs = (performance.now() - t0) / 1000;
    await options.onEpochEnd?.(epoch, sess, m);
    log(`epoch ${epoch}: mean loss ${(losses.slice(-stepsPerEpoch).reduce((a, b) => a + b, 0) / stepsPerEpoch).toFixed(4)}, ${(seen / secs).toFixed(0)} examples/s`);
  }
  const testAccuracy = await evaluate(sess, m, test);
  return { model: m, session: sess, losses, testAccuracy, test };
}
