/**
 * The main job: trains a LeNet-style CNN on the real handwritten digits shipped with the `mnist`
 * package (8,000 to train, 2,000 held out), with Adam and a live progress bar, then prints
 * `test accuracy: 0.xxxx`; saves a checkpoint each epoch (the last 3 kept), restores the latest
 * into a fresh session, freezes the inference graph to mnist_frozen.pb, exports mnist.onnx and
 * checks that ONNX Runtime predicts every test digit as tensorgraph does. TensorBoard event files
 * (graph, scalars per step, weight histograms per epoch, input digits) go to mnist-output/logs.
 *
 *   npm run mnist            (npm run mnist -- --epochs 1 for a quick run)
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { trainMnist } from './train.js';
import { TrainingLog } from './tensorboard.js';
import { compareWithOnnxRuntime, epochSaver, exportOnnx, freeze, restoreLatest } from './artifacts.js';

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      epochs: { type: 'string', default: '6' },
      'batch-size': { type: 'string', default: '32' },
      'learning-rate': { type: 'string', default: '0.002' },
      'out-dir': { type: 'string', default: 'mnist-output' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: npm run mnist -- [--epochs N] [--batch-size N] [--learning-rate LR] [--out-dir DIR]');
    return 0;
  }
  const epochs = Number(values.epochs);
  const batchSize = Number(values['batch-size']);
  const learningRate = Number(values['learning-rate']);
  for (const [k, v] of [['epochs', epochs], ['batch-size', batchSize], ['learning-rate', learningRate]] as const) {
    if (!(v > 0)) {
      console.error(`--${k} must be a positive number`);
      return 2;
    }
  }
  const outDir = values['out-dir'] as string;
  const ckptDir = path.join(outDir, 'checkpoints');
  const logDir = path.join(outDir, 'logs');
  const save = epochSaver(ckptDir);
  let log: TrainingLog | null = null;
  const { testAccuracy, session, model, test } = await trainMnist({
    epochs,
    batchSize,
    learningRate,
    progress: process.stdout.isTTY,
    onStep: (...a) => log?.onStep(...a),
    onEpochEnd: async (epoch, sess, m) => {
      await save(epoch, sess, m);
      log?.onEpochEnd(epoch, sess, m);
    },
    onStart: (m) => {
      log = new TrainingLog(logDir, m);
    },
  });
  console.log(`test accuracy: ${testAccuracy.toFixed(4)}`);
  const tb = log as TrainingLog | null;
  if (tb) {
    tb.onTestAccuracy(testAccuracy);
    tb.close();
    console.log(`TensorBoard event file (graph, loss/accuracy per step, weight histograms per epoch, input digits): ${tb.path}  (tensorboard --logdir ${logDir})`);
  }

  const restored = await restoreLatest(model, test, ckptDir);
  const same = restored.accuracy === testAccuracy;
  console.log(`checkpoints saved each epoch (the last 3 kept); restored ${restored.checkpoint} into a fresh session: accuracy ${restored.accuracy.toFixed(4)} (${same ? 'unchanged' : 'CHANGED'})`);
  const frozenPath = path.join(outDir, 'mnist_frozen.pb');
  const frozen = freeze(session, model, frozenPath);
  console.log(`froze the inference graph (${frozen.node.length} nodes) to ${frozenPath}`);
  const onnxPath = path.join(outDir, 'mnist.onnx');
  const onnxBytes = exportOnnx(frozen, model, onnxPath);
  console.log(`exported ${onnxPath} (${onnxBytes.length} bytes, opset 17)`);
  const cmp = await compareWithOnnxRuntime(onnxBytes, session, model, test);
  const allAgree = cmp.agree === cmp.total;
  console.log(`ONNX Runtime and tensorgraph agree on ${cmp.agree}/${cmp.total} test predictions (max |Δprob| ${cmp.maxAbsDiff.toExponential(2)})${allAgree ? '' : ' — MISMATCH'}`);
  session.close();
  return same && allAgree ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
