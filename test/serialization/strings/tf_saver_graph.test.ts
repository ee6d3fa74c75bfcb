import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../../src/index.js';
import { BundleReader } from '../../../serialization/checkpoint/bundle.js';
import { decodeMessage, pb } from '../../../serialization/codec.js';
import { encodeMetaGraph } from '../../../serialization/meta_graph.js';
import type { MetaGraphDef } from '../../../serialization/types.js';
import { fixture, tempDir } from '../fixtures.js';

const COUNTER = fixture('tf/saved_model_counter');

/** The TF-written MetaGraph of TF Serving's counter model, as a `.meta` file importMetaGraph reads. */
function counterMeta(dir: string): string {
  const sm = decodeMessage<{ meta_graphs: MetaGraphDef[] }>(pb.SavedModel, readFileSync(join(COUNTER, 'saved_model.pb')), 'saved_model.pb');
  const path = join(dir, 'counter.meta');
  writeFileSync(path, encodeMetaGraph(sm.meta_graphs[0]));
  return path;
}

describe("serialization: a TF-written TF1 graph runs its own saver subgraph", () => {
  it('TF Serving counter: import, restore with save/restore_all, train with its ops, save with save/SaveV2 and MergeV2Checkpoints, freeze', async () => {
    const dir = tempDir('tf-counter');
    const g = new tg.Graph();
    const saver = tg.train.importMetaGraph(counterMeta(dir), { graph: g });
    expect(saver).to.not.equal(null);
    for (const n of ['save/SaveV2', 'save/RestoreV2', 'save/MergeV2Checkpoints', 'save/ShardedFilename', 'save/StringJoin']) expect(g.hasOperation(n), n).to.equal(true);
    const sess = new tg.Session({ graph: g });
    // TF's own restore: save/Const is the filename tensor of its SaverDef
    await sess.run('save/restore_all', { 'save/Const:0': join(COUNTER, 'variables/variables') });
    expect(((await sess.run('counter:0')) as tg.NDArray).toArray()).to.equal(0);
    // "training": the graph's own update ops
    for (let i = 0; i < 3; i++) await sess.run('incr_counter_op/AssignAdd:0');
    const by = (await sess.run('incr_counter_by_op/AssignAdd:0', { 'delta:0': 2.5 })) as tg.NDArray;
    expect(by.toArray()).to.equal(5.5);
    // TF's own save: save/Identity is its save_tensor_name; it runs SaveV2 into a temp dir and merges
    const prefix = join(dir, 'model');
    const saved = (await sess.run('save/Identity:0', { 'save/Const:0': prefix })) as tg.NDArray;
    expect(saved.toArray()).to.equal(prefix);
    expect(readdirSync(dir).sort()).to.deep.equal(['counter.meta', 'model.data-00000-of-00001', 'model.index']);
    expect(new BundleReader(prefix).read('counter').toArray()).to.equal(5.5);
    expect(sess.lastPlacement.map((e) => e.type)).to.include.members(['StringJoin', 'ShardedFilename', 'SaveV2', 'Pack', 'MergeV2Checkpoints']);
    // a fresh session restores what was saved, with the graph's own restore op again
    const sess2 = new tg.Session({ graph: g });
    await sess2.run('save/restore_all', { 'save/Const:0': prefix });
    expect(((await sess2.run('counter:0')) as tg.NDArray).toArray()).to.equal(5.5);
    // and our Saver reads TF's key layout too
    await saver!.restore(sess2, join(COUNTER, 'variables/variables'));
    expect(((await sess2.run('counter:0')) as tg.NDArray).toArray()).to.equal(0);
    // frozen: the variable becomes a Const holding the trained value
    const frozen = tg.graphUtil.convertVariablesToConstants(sess, tg.graphUtil.toGraphDef(g), ['counter/read']);
    const g2 = new tg.Graph();
    tg.importGraphDef(frozen, { graph: g2 });
    expect(g2.getOperationByName('counter').type).to.equal('Const');
    expect(((await new tg.Session({ graph: g2 }).run('counter/read:0')) as tg.NDArray).toArray()).to.equal(5.5);
  });
});
