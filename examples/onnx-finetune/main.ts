/**
 * Fine-tunes an ONNX model in tensorgraph: imports an MNIST classifier exported to ONNX (by
 * default one trained here first, or `--model mnist-output/mnist.onnx` from `npm run mnist`)
 * with trainable weights, trains it with Adam on shifted digits, exports it again to
 * `--out` and checks that ONNX Runtime agrees with tensorgraph on the fine-tuned model.
 *
 *   npm run onnx-finetune            (npm run onnx-finetune -- --steps 100 for a quick run)
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { finetune } from './finetune.js';

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      steps: { type: 'string', default: '300' },
      'learning-rate': { type: 'string', default: '0.001' },
      out: { type: 'string', default: 'mnist_finetuned.onnx' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: npm run onnx-finetune -- [--model FILE.onnx] [--steps N] [--learning-rate LR] [--out FILE.onnx]');
    return 0;
  }
  const steps = Number(values.steps);
  const learningRate = Number(values['learning-rate']);
  if (!(steps > 0) || !(learningRate > 0)) {
    console.error('--steps and --learning-rate must be positive numbers');
    return 2;
  }
  const model = values.model ? new Uint8Array(fs.readFileSync(values.model)) : undefined;
  if (!model) console.log('no --model given: training the examples/mnist CNN briefly and exporting it to ONNX first');
  const r = await finetune({ model, steps, learningRate });
  fs.writeFileSync(values.out as string, r.exported);
  console.log(`wrote ${values.out}`);
  const ok = r.lossEnd < r.lossStart && r.accuracyAfter >= r.accuracyBefore && r.agree === r.total;
  if (!ok) console.log('FAILED: the loss did not fall, accuracy dropped, or ONNX Runtime disagrees');
  return ok ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
