import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../../src/index.js';
import { BundleReader } from '../../../serialization/checkpoint/bundle.js';
import { fixture, tempDir } from '../fixtures.js';

const MODEL = fixture('tf/rust_regression_checkpoint/model.pb');

/** The example script's data: y = 3x + 2 on a fixed grid (deterministic, unlike its random x). */
function data(): { x: tg.NDArray; y: tg.NDArray } {
  const xs = Array.from({ length: 100 }, (_, i) => i / 100);
  return { x: tg.NDArray.from(xs, [100]), y: tg.NDArray.from(xs.map((v) => 3 * v + 2), [100]) };
}

async function first(sess: tg.Session, name: string): Promise<number> {
  return (((await sess.run(name)) as tg.NDArray).toArray() as number[])[0];
}

describe("serialization: a TF-written TF1 training graph (tensorflow/rust regression_checkpoint) trains, saves and freezes with its own ops", () => {
  it('init, its own train op on y = 3x + 2, save with save/control_dependency, restore with save/restore_all in a fresh session, freeze', async () => {
    const g = new tg.Graph();
    tg.importGraphDef(tg.graphUtil.decodeGraphDef(readFileSync(MODEL)), { graph: g });
    // TF's gradient subgraph and its V2 saver are imported as they were written, not rebuilt
    for (const n of ['gradients/Mean_grad/DynamicStitch', 'gradients/sub_grad/BroadcastGradientArgs', 'train/update_w/ApplyGradientDescent', 'save/SaveV2', 'save/RestoreV2']) {
      expect(g.hasOperation(n), n).to.equal(true);
    }
    const sess = new tg.Session({ graph: g });
    await sess.run('init');
    const { x, y } = data();
    const feeds = { 'x:0': x, 'y:0': y };
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      losses.push(((await sess.run('Mean:0', feeds)) as tg.NDArray).toArray() as number);
      await sess.run('train', feeds);
    }
    const loss = ((await sess.run('Mean:0', feeds)) as tg.NDArray).toArray() as number;
    expect(loss).to.be.lessThan(losses[0] / 10);
    expect(loss).to.be.lessThan(losses[10]);
    const w = await first(sess, 'w:0');
    const b = await first(sess, 'b:0');
    // w starts in [-1, 1] and b at 0: 30 steps at rate 0.5 bring both close to 3 and 2
    expect(Math.abs(w - 3)).to.be.lessThan(0.5);
    expect(Math.abs(b - 2)).to.be.lessThan(0.3);

    // TF1's save: feed the SaverDef's filename tensor, fetch its save tensor
    const dir = tempDir('tf-regression');
    const prefix = join(dir, 'model.ckpt');
    const saved = (await sess.run('save/control_dependency:0', { 'save/Const:0': prefix })) as tg.NDArray;
    expect(saved.dtype).to.equal('string');
    expect(saved.toArray()).to.equal(prefix);
    expect(readdirSync(dir).sort()).to.deep.equal(['model.ckpt.data-00000-of-00001', 'model.ckpt.index']);
    const reader = new BundleReader(prefix);
    expect((reader.read('w').toArray() as number[])[0]).to.equal(w);
    expect((reader.read('b').toArray() as number[])[0]).to.equal(b);

    // a fresh session (no init) gets its values from TF's restore op
    const sess2 = new tg.Session({ graph: g });
    await sess2.run('save/restore_all', { 'save/Const:0': prefix });
    expect(await first(sess2, 'w:0')).to.equal(w);
    expect(await first(sess2, 'b:0')).to.equal(b);
    // and trains on from there, as the first session does
    await sess.run('train', feeds);
    await sess2.run('train', feeds);
    expect(await first(sess2, 'w:0')).to.equal(await first(sess, 'w:0'));
    expect(((await sess2.run('Mean:0', feeds)) as tg.NDArray).toArray()).to.equal(((await sess.run('Mean:0', feeds)) as tg.NDArray).toArray());

    // frozen: the variables become Consts holding the restored values; the prediction runs alone
    const frozen = tg.graphUtil.convertVariablesToConstants(sess2, tg.graphUtil.toGraphDef(g), ['add']);
    const g2 = new tg.Graph();
    tg.importGraphDef(frozen, { graph: g2 });
    expect(g2.getOperationByName('w').type).to.equal('Const');
    expect(g2.getOperations().some((o) => o.type === 'VariableV2' || o.type === 'SaveV2' || o.type === 'ApplyGradientDescent')).to.equal(false);
    const out = (await new tg.Session({ graph: g2 }).run('add:0', { 'x:0': tg.NDArray.from([0, 1], [2]) })) as tg.NDArray;
    const [w2, b2] = [await first(sess2, 'w:0'), await first(sess2, 'b:0')];
    const got = out.toArray() as number[];
    expect(got[0]).to.be.closeTo(b2, 1e-6);
    expect(got[1]).to.be.closeTo(w2 + b2, 1e-6);
  });
});
