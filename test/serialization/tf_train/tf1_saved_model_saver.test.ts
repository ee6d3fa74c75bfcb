import { expect } from 'chai';
import { join } from 'node:path';
import * as tg from '../../../src/index.js';
import { BundleReader } from '../../../serialization/checkpoint/bundle.js';
import { fixture, tempDir } from '../fixtures.js';

const COUNTER = fixture('tf/saved_model_counter');
const MKL = fixture('tf2/half_plus_two_mkl_tf1');

function load(dir: string): { g: tg.Graph; sess: tg.Session; meta: ReturnType<typeof tg.savedModel.load> } {
  const g = new tg.Graph();
  const sess = new tg.Session({ graph: g });
  return { g, sess, meta: tg.savedModel.load(sess, ['serve'], dir) };
}

async function value(sess: tg.Session, name: string): Promise<unknown> {
  return ((await sess.run(name)) as tg.NDArray).toArray();
}

describe("serialization: a TF1 SavedModel keeps TF's saver subgraph, and its own save/restore_all runs", () => {
  it('TF Serving counter: save/restore_all restores the SavedModel variables, save/Identity saves, a fresh session restores that', async () => {
    const { g, sess, meta } = load(COUNTER);
    const saverDef = meta.metaGraphDef.saver_def!;
    expect(saverDef.restore_op_name).to.equal('save/restore_all');
    for (const n of ['save/SaveV2', 'save/RestoreV2', 'save/restore_all', 'save/MergeV2Checkpoints']) expect(g.hasOperation(n), n).to.equal(true);
    const filename = saverDef.filename_tensor_name!;
    await sess.run('incr_counter_op/AssignAdd:0');
    expect(await value(sess, 'counter:0')).to.equal(1);
    // TF1's restore: the filename tensor fed with the SavedModel's own variables prefix
    await sess.run(saverDef.restore_op_name!, { [filename]: join(COUNTER, 'variables', 'variables') });
    expect(await value(sess, 'counter:0')).to.equal(0);
    await sess.run('incr_counter_by_op/AssignAdd:0', { 'delta:0': 4 });
    const prefix = join(tempDir('tf1-sm-saver'), 'ckpt');
    await sess.run(saverDef.save_tensor_name!, { [filename]: prefix });
    expect(new BundleReader(prefix).read('counter').toArray()).to.equal(4);
    const fresh = load(COUNTER);
    await fresh.sess.run(saverDef.restore_op_name!, { [filename]: prefix });
    expect(await value(fresh.sess, 'counter:0')).to.equal(4);
  });

  it('half_plus_two (TF1, MKL build): save/restore_all restores a, b and the resource variables; serving_default still runs', async () => {
    const { g, sess, meta } = load(MKL);
    const saverDef = meta.metaGraphDef.saver_def!;
    expect(g.hasOperation(saverDef.restore_op_name!)).to.equal(true);
    const kernel = sess.variableValue('conv2d/kernel')!;
    // clobber a ref variable and a resource variable, then let TF's restore op put them back
    sess.setVariableValues(new Map([['a', tg.NDArray.from(7)], ['conv2d/kernel', tg.NDArray.from(new Float32Array(kernel.size).fill(9), kernel.shape)]]));
    expect(await value(sess, 'a:0')).to.equal(7);
    expect((sess.variableValue('conv2d/kernel')!.toArray() as number[][][][])[0][0][0][0]).to.equal(9);
    await sess.run(saverDef.restore_op_name!, { [saverDef.filename_tensor_name!]: join(MKL, 'variables', 'variables') });
    expect(await value(sess, 'a:0')).to.equal(0.5);
    expect(await value(sess, 'b:0')).to.equal(2);
    expect(sess.variableValue('conv2d/kernel')!.toArray()).to.deep.equal(kernel.toArray());
    const sig = meta.signatureDef['serving_default'];
    const y = (await sess.run(sig.outputs.y.name, { [sig.inputs.x.name]: tg.NDArray.from([[1], [4]], [2, 1]) })) as tg.NDArray;
    expect(y.toArray()).to.deep.equal([[2.5], [4]]);
  });
});
