import * as tg from 'tensorgraph';
import type { MnistGraph } from './model.js';

/**
 * TensorBoard logging for the main job: an event file under `logdir` with the graph, loss and
 * accuracy scalars every step, the epoch's mean loss, a histogram of every weight each epoch, and
 * a few of the first batch's digits as images. Everything is written from values the training loop
 * already fetched, so logging adds no op to the graph and no run: training is unchanged.
 */
export class TrainingLog {
  readonly writer: tg.summary.FileWriter;
  private epochLosses: number[] = [];
  private epochAccuracies: number[] = [];
  private step = 0;

  constructor(logdir: string, model: MnistGraph) {
    this.writer = new tg.summary.FileWriter(logdir, model.graph);
  }

  get path(): string {
    return this.writer.path;
  }

  /** After each training step: the batch's loss and accuracy; the first batch's images once. */
  onStep(step: number, loss: number, accuracy: number, images: Float32Array, count: number): void {
    this.step = step;
    this.epochLosses.push(loss);
    this.epochAccuracies.push(accuracy);
    this.writer.addSummary({ value: [{ tag: 'train/loss', simple_value: loss }, { tag: 'train/accuracy', simple_value: accuracy }] }, step);
    if (step === 1) this.writer.addSummary(tg.summary.image('train/input', new tg.NDArray('float32', [count, 28, 28, 1], images.subarray(0, count * 784)), { maxOutputs: 4 }), step);
  }

  /** After each epoch: the mean training loss and accuracy, the weights' histograms; then the file is flushed. */
  onEpochEnd(epoch: number, sess: tg.Session, model: MnistGraph): void {
    const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const value: tg.summary.SummaryValueObj[] = [
      { tag: 'epoch/mean_loss', simple_value: mean(this.epochLosses) },
      { tag: 'epoch/mean_accuracy', simple_value: mean(this.epochAccuracies) },
      { tag: 'epoch/index', simple_value: epoch },
    ];
    this.epochLosses = [];
    this.epochAccuracies = [];
    for (const v of model.graph.getCollection<tg.Variable>(tg.GraphKeys.TRAINABLE_VARIABLES)) {
      const w = sess.variableValue(v.op.name);
      if (w) value.push({ tag: `weights/${v.op.name}`, histo: tg.summary.histogramOf(w.data) });
    }
    this.writer.addSummary({ value }, this.step);
    this.writer.flush();
  }

  /** The held-out accuracy, at the last step. */
  onTestAccuracy(accuracy: number): void {
    this.writer.addSummary({ value: [{ tag: 'test/accuracy', simple_value: accuracy }] }, this.step);
  }

  close(): void {
    this.writer.close();
  }
}
