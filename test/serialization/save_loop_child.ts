/**
 * Child process for the kill test: saves a checkpoint over and over until killed. Generation k
 * holds W = k everywhere and step = k, so a restored checkpoint shows whether it is one whole
 * generation. argv: dir, mode ('step': `model-<k>` prefixes, 'fixed': always `model`).
 */
import * as tg from '../../src/index.js';

const [dir, mode] = process.argv.slice(2);
const g = new tg.Graph();
const w = g.asDefault(() => new tg.Variable(tg.zeros([128, 128]), { name: 'W' }));
const step = g.asDefault(() => new tg.Variable(tg.NDArray.scalar(0, 'int32'), { name: 'step', trainable: false }));
const sess = new tg.Session({ graph: g });
await sess.run(tg.globalVariablesInitializer(g));
const saver = new tg.train.Saver({ graph: g, maxToKeep: 3 });
const bump = g.asDefault(() => [w.assignAdd(tg.ones([128, 128])), step.assignAdd(1)]);
for (let i = 1; ; i++) {
  await sess.run(bump);
  await saver.save(sess, `${dir}/model`, mode === 'fixed' ? {} : { globalStep: i });
  // the parent's kill timer starts once a first checkpoint exists
  if (i === 1) process.stdout.write('ready\n');
}
