import { expect } from 'chai';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { pb } from '../../serialization/proto/schema.js';
import type { MetaGraphDef } from '../../serialization/types.js';
import { fixture, tempDir } from '../serialization/fixtures.js';
import { BODY_SUMN, COND_LTN, DT_INT32, constNode, placeholder, whileNode } from './functional_fixtures.js';

/**
 * A TF2 SavedModel whose signature fetches a While's second output: the TF Serving fixture with a
 * `looped` signature added (n in, sum of 0..n-1 out, through a StatelessWhile over the library).
 * The signature is kept (its While is importable, not "needs op") and its output is renamed to the
 * loop's Exit.
 */
describe('control flow: a functional While behind a TF2 SavedModel signature', () => {
  it('loads the signature, renames its output to the Exit and runs it: n = 10 gives 45', async () => {
    const src = fixture('tf2/half_plus_two_tf2');
    const dir = join(tempDir('tf2-while'), 'model');
    mkdirSync(join(dir, 'variables'), { recursive: true });
    for (const f of ['variables/variables.index', 'variables/variables.data-00000-of-00001']) copyFileSync(join(src, f), join(dir, f));
    const sm = pb.SavedModel.toObject(pb.SavedModel.decode(readFileSync(join(src, 'saved_model.pb'))), { longs: Number, enums: Number, arrays: true, objects: true }) as { meta_graphs: MetaGraphDef[] };
    const meta = sm.meta_graphs[0];
    const gd = meta.graph_def!;
    gd.node.push(constNode('looped_i0', 0, DT_INT32), constNode('looped_s0', 0, DT_INT32), placeholder('serving_looped_n', DT_INT32), whileNode('looped', 'StatelessWhile', ['looped_i0', 'looped_s0', 'serving_looped_n'], 'cond_ltn', 'body_sumn', [DT_INT32, DT_INT32, DT_INT32]));
    gd.library!.function!.push(COND_LTN, BODY_SUMN);
    meta.signature_def!['looped'] = { method_name: 'tensorflow/serving/predict', inputs: { n: { name: 'serving_looped_n:0', dtype: DT_INT32, tensor_shape: {} } }, outputs: { s: { name: 'looped:1', dtype: DT_INT32, tensor_shape: {} } } };
    writeFileSync(join(dir, 'saved_model.pb'), pb.SavedModel.encode(pb.SavedModel.fromObject(sm)).finish());
    const g = new tg.Graph();
    const sess = new tg.Session({ graph: g });
    const loaded = tg.savedModel.load(sess, ['serve'], dir);
    expect(loaded.skippedSignatures).to.not.have.property('looped');
    const sig = loaded.signatureDef['looped'];
    expect(sig.outputs.s.name).to.equal('looped/Exit_1:0');
    expect(((await sess.run(sig.outputs.s.name, { [sig.inputs.n.name]: 10 })) as tg.NDArray).toArray()).to.equal(45);
    sess.close();
  });
});
