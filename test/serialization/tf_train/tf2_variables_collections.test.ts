import { expect } from 'chai';
import { join } from 'node:path';
import * as tg from '../../../src/index.js';
import { BundleReader } from '../../../serialization/checkpoint/bundle.js';
import { fixture, tempDir } from '../fixtures.js';

const HALF = fixture('tf2/half_plus_two_tf2');
const REGRESSION = fixture('tf/rust_regression_savedmodel');

function load(dir: string): { g: tg.Graph; sess: tg.Session; meta: ReturnType<typeof tg.savedModel.load> } {
  const g = new tg.Graph();
  const sess = new tg.Session({ graph: g });
  return { g, sess, meta: tg.savedModel.load(sess, ['serve'], dir) };
}

describe('serialization: variables of a TF2 SavedModel are in GLOBAL_VARIABLES (trainable ones in TRAINABLE_VARIABLES), so tg.train.Saver saves them', () => {
  it('half_plus_two_tf2: a, b, c are resource Variables; a Saver saves and restores them; their initializer gives the loaded values', async () => {
    const { g, sess } = load(HALF);
    const vars = tg.globalVariables(g);
    expect(vars.map((v) => v.op.name).sort()).to.deep.equal(['a', 'b', 'c']);
    expect(vars.every((v) => v.isResource && v.dtype === 'float32')).to.equal(true);
    expect(tg.trainableVariables(g).map((v) => v.op.name).sort()).to.deep.equal(['a', 'b', 'c']);
    const saver = new tg.train.Saver({ graph: g });
    const prefix = join(tempDir('tf2-vars'), 'model');
    await saver.save(sess, prefix, { writeMetaGraph: false });
    const reader = new BundleReader(prefix);
    for (const [name, want] of [['a', 0.5], ['b', 2], ['c', 3]] as const) expect(reader.read(name).toArray(), name).to.equal(want);
    // restore puts the saved values back over changed ones
    sess.setVariableValues(new Map([['a', tg.NDArray.from(9)]]));
    expect(((await sess.run(vars.find((v) => v.op.name === 'a')!.value())) as tg.NDArray).toArray()).to.equal(9);
    await saver.restore(sess, prefix);
    expect(sess.variableValue('a')?.toArray()).to.equal(0.5);
    // a fresh session on the same graph: the initializers assign the values the SavedModel held
    const fresh = new tg.Session({ graph: g });
    await fresh.run(tg.globalVariablesInitializer(g));
    expect(fresh.variableValue('c')?.toArray()).to.equal(3);
  });

  it('tensorflow/rust regression_savedmodel: w and b trainable, the SGD state not; its train signature trains, a Saver saves what it trained', async () => {
    const { g, sess, meta } = load(REGRESSION);
    expect(tg.trainableVariables(g).map((v) => v.op.name).sort()).to.deep.equal(['b', 'w']);
    const globals = tg.globalVariables(g).map((v) => v.op.name);
    expect(globals).to.include.members(['w', 'b', 'SGD/iter']);
    const train = meta.signatureDef['train'];
    const xs = Array.from({ length: 100 }, (_, i) => i / 100);
    const feeds = { [train.inputs.x.name]: tg.NDArray.from(xs, [100]), [train.inputs.y.name]: tg.NDArray.from(xs.map((v) => 3 * v + 2), [100]) };
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) losses.push(((await sess.run(train.outputs.loss.name, feeds)) as tg.NDArray).toArray() as number);
    expect(losses[19]).to.be.lessThan(losses[0] / 10);
    const prefix = join(tempDir('tf2-regression'), 'model');
    await new tg.train.Saver({ graph: g }).save(sess, prefix, { writeMetaGraph: false });
    const reader = new BundleReader(prefix);
    expect(reader.read('w').toArray()).to.deep.equal(sess.variableValue('w')?.toArray());
    expect(Math.abs((reader.read('w').toArray() as number[])[0] - 3)).to.be.lessThan(1);
    // Keras counts the steps it applied in SGD/iter (int64)
    expect(Number(reader.read('SGD/iter').toArray())).to.equal(20);
  });
});
