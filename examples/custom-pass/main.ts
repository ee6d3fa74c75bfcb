/**
 * The worked example of docs/writing-a-pass.md: a pass written from scratch (fold_scale.ts),
 * registered, checked with tg.testing.checkPass on random graphs and on the MNIST and VGG16
 * models, printed after it ran, and measured with `tensorgraph optimize --compare --pass`.
 *
 * The models are the frozen MNIST CNN and a reduced VGG16 given a raw-pixel front end: they take
 * 0..255 values and multiply by 1/255 before the first layer, as deployed models often do.
 *
 *   npm run custom-pass
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tg from 'tensorgraph';
import { buildMnistGraph } from '../mnist/model.js';
import { buildVgg16 } from '../vgg16/model.js';
import { foldScalePass } from './fold_scale.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const PASS_MODULE = fileURLToPath(new URL('./fold_scale.js', import.meta.url));

/** A frozen model behind `raw * (1/255)`: imported with its input placeholder mapped to the product. */
function withRawPixels(frozen: tg.GraphDef, input: string, shape: (number | null)[]): tg.GraphDef {
  const g = new tg.Graph();
  g.asDefault(() => {
    const raw = tg.placeholder('float32', shape, 'raw_pixels');
    const scaled = tg.mul(raw, 1 / 255, 'scale_pixels');
    tg.importGraphDef(frozen, { inputMap: { [`${input}:0`]: scaled }, prefix: 'model' });
  });
  return g.toGraphDef();
}

async function mnistModel(): Promise<tg.GraphDef> {
  const m = buildMnistGraph({ seed: 1 });
  const sess = new tg.Session({ graph: m.graph });
  await sess.run(m.init);
  const frozen = tg.graphUtil.convertVariablesToConstants(sess, m.graph.toGraphDef(), [m.probs.op.name]);
  sess.close();
  return withRawPixels(frozen, 'images', [null, 784]);
}

async function vggModel(): Promise<tg.GraphDef> {
  const g = new tg.Graph();
  const probs = g.asDefault(() => tg.nn.softmax(buildVgg16(tg.placeholder('float32', [null, 32, 32, 3], 'images'), { inputSize: 32, classes: 10, fcWidth: 64 }).logits, -1, 'probs'));
  const sess = new tg.Session({ graph: g });
  await sess.run(g.asDefault(() => tg.globalVariablesInitializer()));
  const frozen = tg.graphUtil.convertVariablesToConstants(sess, g.toGraphDef(), [probs.op.name]);
  sess.close();
  return withRawPixels(frozen, 'images', [null, 32, 32, 3]);
}

export interface ExampleResult {
  readonly check: tg.testing.CheckPassReport;
  /** The program after the pass, for the MNIST model. */
  readonly printed: string;
  /** `tensorgraph optimize --compare --pass` output per model. */
  readonly compare: Record<'mnist' | 'vgg16', string>;
}

export async function runCustomPassExample(options: { dir: string; graphs?: number; iterations?: number; log?: (line: string) => void }): Promise<ExampleResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  mkdirSync(options.dir, { recursive: true });
  const files = { mnist: join(options.dir, 'mnist_raw_pixels.pb'), vgg16: join(options.dir, 'vgg16_raw_pixels.pb') };
  writeFileSync(files.mnist, tg.graphUtil.encodeGraphDef(await mnistModel()));
  writeFileSync(files.vgg16, tg.graphUtil.encodeGraphDef(await vggModel()));

  // 1. check: random graphs, then the two models
  const check = await tg.testing.checkPass(foldScalePass, { graphs: options.graphs ?? 300, models: [files.mnist, files.vgg16] });
  log(tg.testing.formatCheckPassReport(check));

  // 2. print the program after the pass (registered like any pass: optimizer.passes)
  const g = new tg.Graph();
  tg.importGraphDef(await mnistModel(), { graph: g });
  let printed = '';
  tg.optimize(g, ['model/probs:0'], { feeds: new Map([['raw_pixels:0', [1, 784]]]), passes: [foldScalePass], printAfter: [foldScalePass.name], printTo: (t) => (printed += t) });
  log(`\n${printed.split('\n').slice(0, 12).join('\n')}\n…`);

  // 3. measure with the CLI: kernels, time and memory with the pass, without it, and with every pass off
  const compare = { mnist: '', vgg16: '' };
  for (const [name, file] of Object.entries(files) as ['mnist' | 'vgg16', string][]) {
    const r = spawnSync(process.execPath, [CLI, 'optimize', file, '--compare', '--iterations', String(options.iterations ?? 20), '--pass', PASS_MODULE], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tensorgraph optimize ${file} failed:\n${r.stderr}`);
    compare[name] = r.stdout.slice(r.stdout.indexOf('compare ('));
    log(`\n${name}: ${compare[name]}`);
  }
  return { check, printed, compare };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runCustomPassExample({ dir: join(process.cwd(), 'custom-pass-output') });
}
