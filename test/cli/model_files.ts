import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { buildMnistGraph } from '../../examples/mnist/model.js';
import { buildVgg16 } from '../../examples/vgg16/model.js';

/** The model files the CLI tools are tested on, written into `dir`. */
export interface ModelFiles {
  /** The MNIST CNN frozen (images → probs), as the main job writes mnist_frozen.pb. */
  mnistFrozen: string;
  /** The MNIST training graph as Saver writes it (.meta: variables, gradients, Adam). */
  mnistMeta: string;
  /** VGG16 (reduced to 32x32 inputs and 64-wide fc layers to keep the suite quick), frozen. */
  vggFrozen: string;
}

export async function writeModelFiles(dir: string): Promise<ModelFiles> {
  const m = buildMnistGraph({ seed: 1 });
  const sess = new tg.Session({ graph: m.graph });
  await sess.run(m.init);
  const saver = m.graph.asDefault(() => new tg.train.Saver());
  const prefix = await saver.save(sess, join(dir, 'mnist'));
  const mnistFrozen = join(dir, 'mnist_frozen.pb');
  writeFileSync(mnistFrozen, tg.graphUtil.encodeGraphDef(tg.graphUtil.convertVariablesToConstants(sess, m.graph.toGraphDef(), [m.probs.op.name])));
  sess.close();

  const g = new tg.Graph();
  const logits = g.asDefault(() => buildVgg16(tg.placeholder('float32', [null, 32, 32, 3], 'images'), { inputSize: 32, classes: 10, fcWidth: 64 }).logits);
  const vs = new tg.Session({ graph: g });
  await vs.run(g.asDefault(() => tg.globalVariablesInitializer()));
  const probs = g.asDefault(() => tg.nn.softmax(logits, -1, 'probs'));
  const vggFrozen = join(dir, 'vgg16_frozen.pb');
  writeFileSync(vggFrozen, tg.graphUtil.encodeGraphDef(tg.graphUtil.convertVariablesToConstants(vs, g.toGraphDef(), [probs.op.name])));
  vs.close();
  return { mnistFrozen, mnistMeta: `${prefix}.meta`, vggFrozen };
}
