import * as tg from 'tensorgraph';
import { batch, Digits, loadMnist, shiftBatch } from '../mnist/data.js';
import { compareWithOnnxRuntime } from '../mnist/artifacts.js';
import { trainMnist } from '../mnist/train.js';

/**
 * Fine-tuning an ONNX model in tensorgraph: the MNIST CNN is trained briefly on centred digits
 * and exported to ONNX (as `npm run mnist` does), then imported with `trainable: true` and
 * fine-tuned with Adam on digits shifted by up to `shift` pixels (a domain the export never saw),
 * exported again, and checked against ONNX Runtime.
 */

export interface FinetuneOptions {
  /** An ONNX classifier (images:0 [N,784] -> probs [N,10]); by default one is trained and exported first. */
  model?: Uint8Array;
  /** Training examples for the model trained first (when none is given). */
  pretrainExamples?: number;
  steps?: number;
  batchSize?: number;
  learningRate?: number;
  /** Maximum shift in pixels of the fine-tuning (and evaluation) digits. */
  shift?: number;
  /** Test digits to evaluate on. */
  evalCount?: number;
  log?: (line: string) => void;
}

export interface FinetuneResult {
  /** Mean loss of the first and last 10% of steps. */
  lossStart: number;
  lossEnd: number;
  accuracyBefore: number;
  accuracyAfter: number;
  /** ONNX Runtime vs tensorgraph on the fine-tuned export. */
  agree: number;
  total: number;
  maxAbsDiff: number;
  exported: Uint8Array;
}

/** Trains the examples/mnist CNN briefly on unshifted digits and exports it. */
export async function pretrainedMnistOnnx(examples: number): Promise<Uint8Array> {
  const r = await trainMnist({ epochs: 1, limit: examples, batchSize: 32, augment: 0, progress: false, log: () => undefined });
  const frozen = tg.graphUtil.convertVariablesToConstants(r.session, r.model.graph.toGraphDef(), [r.model.probs.op.name]);
  r.session.close();
  return tg.onnx.exportModel(frozen, { inputs: [r.model.images.name], outputs: [r.model.probs.name] });
}

interface Trainable {
  images: tg.Tensor;
  labels: tg.Tensor;
  probs: tg.Tensor;
  loss: tg.Tensor;
  accuracy: tg.Tensor;
  train: tg.Operation;
  init: tg.Operation;
}

/** The imported classifier with a loss, an accuracy and an Adam step on top. */
function trainingGraph(r: tg.onnx.OnnxImportResult, learningRate: number): Trainable {
  return r.graph.asDefault(() => {
    const images = r.inputs[0];
    const probs = r.outputs[0];
    const labels = tg.placeholder('int32', [null], 'labels');
    // the model ends in Softmax (behind the output's Identity): train on its logits, which is stabler
    const softmax = probs.op.type === 'Identity' ? probs.op.inputs[0] : probs;
    const loss = softmax.op.type === 'Softmax'
      ? tg.reduceMean(tg.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits: softmax.op.inputs[0] }))
      : tg.neg(tg.reduceMean(tg.reduceSum(tg.mul(tg.oneHot(labels, 10), tg.log(tg.add(probs, 1e-7))), 1)));
    const accuracy = tg.reduceMean(tg.cast(tg.equal(tg.argMax(probs, 1), labels), 'float32'));
    const train = new tg.train.AdamOptimizer({ learningRate }).minimize(loss, { varList: r.variables });
    const init = tg.globalVariablesInitializer();
    return { images, labels, probs, loss, accuracy, train, init };
  });
}

function shifted(set: Digits, count: number, shift: number, seed: number): { images: Float32Array; labels: Int32Array } {
  const b = batch(set, 0, count);
  return { images: shiftBatch(b.images, b.labels.length, shift, seed), labels: b.labels };
}

export async function finetune(options: FinetuneOptions = {}): Promise<FinetuneResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const steps = options.steps ?? 300;
  const bs = options.batchSize ?? 32;
  const shift = options.shift ?? 4;
  const { train, test } = loadMnist({ seed: 99 });
  const model = options.model ?? (await pretrainedMnistOnnx(options.pretrainExamples ?? 4000));
  const r = await tg.onnx.importModel(model, { trainable: true });
  log(`imported ${model.length} bytes: ${r.graph.numOps} ops, ${r.variables.length} trainable variables, input ${r.inputs[0].name} ${JSON.stringify(r.inputs[0].shape)}, output ${r.outputs[0].name}`);
  const t = trainingGraph(r, options.learningRate ?? 1e-3);
  const sess = new tg.Session({ graph: r.graph });
  await sess.run(t.init);
  const evalSet = shifted(test, options.evalCount ?? test.count, shift, 4242);
  const n = evalSet.labels.length;
  const evalFeeds = new Map<tg.Tensor, tg.FeedValue>([[t.images, { data: evalSet.images, shape: [n, 784] }], [t.labels, evalSet.labels]]);
  const accuracyBefore = ((await sess.run(t.accuracy, evalFeeds)) as tg.NDArray).item();
  log(`accuracy on ${n} shifted test digits before fine-tuning: ${accuracyBefore.toFixed(4)}`);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const start = (step * bs) % (train.count - bs);
    const b = batch(train, start, bs);
    const images = shiftBatch(b.images, bs, shift, 1000 + step);
    const [loss] = await sess.run([t.loss, t.train], new Map<tg.Tensor, tg.FeedValue>([[t.images, { data: images, shape: [bs, 784] }], [t.labels, b.labels]]));
    losses.push((loss as tg.NDArray).item());
    if ((step + 1) % 100 === 0) log(`step ${step + 1}: loss ${losses[step].toFixed(4)}`);
  }
  const tenth = Math.max(1, Math.floor(steps / 10));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const lossStart = mean(losses.slice(0, tenth));
  const lossEnd = mean(losses.slice(-tenth));
  const accuracyAfter = ((await sess.run(t.accuracy, evalFeeds)) as tg.NDArray).item();
  log(`mean loss over the first / last ${tenth} steps: ${lossStart.toFixed(4)} -> ${lossEnd.toFixed(4)}; accuracy after: ${accuracyAfter.toFixed(4)}`);
  const frozen = tg.graphUtil.convertVariablesToConstants(sess, r.graph.toGraphDef(), [t.probs.op.name]);
  const exported = tg.onnx.exportModel(frozen, { inputs: [t.images.name], outputs: [t.probs.name] });
  const cmp = await compareWithOnnxRuntime(exported, sess, t, { images: evalSet.images, count: n });
  log(`exported the fine-tuned model (${exported.length} bytes); ONNX Runtime agrees on ${cmp.agree}/${n} predictions (max |Δprob| ${cmp.maxAbsDiff.toExponential(2)})`);
  sess.close();
  return { lossStart, lossEnd, accuracyBefore, accuracyAfter, agree: cmp.agree, total: n, maxAbsDiff: cmp.maxAbsDiff, exported };
}
