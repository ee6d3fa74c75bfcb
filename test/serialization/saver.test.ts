import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { fixture, tempDir } from './fixtures.js';

async function model(g: tg.Graph) {
  return g.asDefault(async () => {
    const w = new tg.Variable(tg.NDArray.from([[1, 2], [3, 4]]), { name: 'W' });
    const b = new tg.Variable(tg.NDArray.from([0.5, -1]), { name: 'dense/b' });
    const step = new tg.Variable(tg.NDArray.scalar(0, 'int64'), { name: 'global_step', trainable: false });
    const x = tg.placeholder('float32', [null, 2], 'x');
    const y = tg.add(tg.matMul(x, w), b, 'y');
    const sess = new tg.Session({ graph: g });
    await sess.run(tg.globalVariablesInitializer(g));
    return { w, b, step, x, y, sess };
  });
}

describe('serialization: Saver and checkpoints', () => {
  it('save writes TF V2 files and the checkpoint state; restore brings values back', async () => {
    const dir = tempDir('saver');
    const g = new tg.Graph();
    const m = await model(g);
    const saver = g.asDefault(() => new tg.train.Saver());
    const path = await saver.save(m.sess, join(dir, 'model'), { globalStep: 1000 });
    expect(path).to.equal(join(dir, 'model-1000'));
    for (const ext of ['.index', '.data-00000-of-00001', '.meta']) expect(existsSync(path + ext), ext).to.equal(true);
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).to.match(/^model_checkpoint_path: "model-1000"\nall_model_checkpoint_paths: "model-1000"\n/);
    expect(tg.train.latestCheckpoint(dir)).to.equal(path);
    expect(tg.train.listVariables(path)).to.deep.equal([['W', [2, 2]], ['dense/b', [2]], ['global_step', []]]);
    expect(tg.train.loadVariable(dir, 'dense/b').toArray()).to.deep.equal([0.5, -1]);
    await m.sess.run(m.w.assign([[9, 9], [9, 9]]));
    await saver.restore(m.sess, path);
    expect((await m.sess.run(m.w.value())!).toArray()).to.deep.equal([[1, 2], [3, 4]]);
    const s2 = new tg.Session({ graph: g });
    await saver.restore(s2, path);
    expect((await s2.run(m.y, { x: [[1, 1]] })!).toArray()).to.deep.equal([[4.5, 5]]);
  });

  it('maxToKeep deletes the oldest checkpoints; globalStep may be a variable', async () => {
    const dir = tempDir('keep');
    const g = new tg.Graph();
    const m = await model(g);
    const saver = g.asDefault(() => new tg.train.Saver({ maxToKeep: 2 }));
    for (let i = 1; i <= 4; i++) {
      await m.sess.run(m.step.assign(tg.NDArray.scalar(i * 10, 'int64')));
      await saver.save(m.sess, join(dir, 'ck'), { globalStep: m.step, writeMetaGraph: false });
    }
    expect(saver.lastCheckpoints).to.deep.equal([join(dir, 'ck-30'), join(dir, 'ck-40')]);
    expect(existsSync(join(dir, 'ck-10.index'))).to.equal(false);
    expect(existsSync(join(dir, 'ck-20.data-00000-of-00001'))).to.equal(false);
    expect(existsSync(join(dir, 'ck-30.index'))).to.equal(true);
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).to.contain('all_model_checkpoint_paths: "ck-30"\nall_model_checkpoint_paths: "ck-40"');
    expect(tg.train.latestCheckpoint(dir)).to.equal(join(dir, 'ck-40'));
  });

  it('restore is all-or-nothing: a shape mismatch or missing key changes no variable', async () => {
    const dir = tempDir('aon');
    const g1 = new tg.Graph();
    const m1 = await model(g1);
    const path = await g1.asDefault(() => new tg.train.Saver()).save(m1.sess, join(dir, 'm'));
    const g2 = new tg.Graph();
    const { a, c, sess } = await g2.asDefault(async () => {
      const a = new tg.Variable(tg.NDArray.from([[7, 7], [7, 7]]), { name: 'W' });
      const c = new tg.Variable(tg.NDArray.from([1, 2, 3]), { name: 'dense/b' });
      const sess = new tg.Session({ graph: g2 });
      await sess.run(tg.globalVariablesInitializer(g2));
      return { a, c, sess };
    });
    const saver = g2.asDefault(() => new tg.train.Saver());
    let err: unknown;
    try {
      await saver.restore(sess, path);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(tg.InvalidArgumentError);
    expect(String(err)).to.contain('rhs shape= [2]');
    expect((await sess.run(a.value())!).toArray()).to.deep.equal([[7, 7], [7, 7]]);
    expect((await sess.run(c.value())!).toArray()).to.deep.equal([1, 2, 3]);
    const only = g2.asDefault(() => new tg.train.Saver({ varList: { W: a, missing: c } }));
    let err2: unknown;
    try {
      await only.restore(sess, path);
    } catch (e) {
      err2 = e;
    }
    expect(err2).to.be.instanceOf(tg.NotFoundError);
    expect(String(err2)).to.contain('Key missing not found in checkpoint');
    expect((await sess.run(a.value())!).toArray()).to.deep.equal([[7, 7], [7, 7]]);
  });

  it('importMetaGraph rebuilds the graph and variables; the returned Saver restores them', async () => {
    const dir = tempDir('meta');
    const g = new tg.Graph();
    const m = await model(g);
    const path = await g.asDefault(() => new tg.train.Saver()).save(m.sess, join(dir, 'model'), { globalStep: 7 });
    const g2 = new tg.Graph();
    const saver = g2.asDefault(() => tg.train.importMetaGraph(`${path}.meta`))!;
    expect(tg.globalVariables(g2).map((v) => v.name)).to.deep.equal(['W:0', 'dense/b:0', 'global_step:0']);
    expect(tg.trainableVariables(g2).map((v) => v.name)).to.deep.equal(['W:0', 'dense/b:0']);
    const sess = new tg.Session({ graph: g2 });
    await saver.restore(sess, path);
    expect((await sess.run('y:0', { 'x:0': [[1, 1]] }))!.toArray()).to.deep.equal([[4.5, 5]]);
    await sess.run(tg.globalVariablesInitializer(g2));
    expect((await sess.run('W:0'))!.toArray()).to.deep.equal([[1, 2], [3, 4]]);
  });

  it('a missing or corrupt checkpoint gives typed errors naming the file', async () => {
    const dir = tempDir('bad');
    const g = new tg.Graph();
    const m = await model(g);
    const saver = g.asDefault(() => new tg.train.Saver());
    let e1: unknown;
    try {
      await saver.restore(m.sess, join(dir, 'nothing'));
    } catch (e) {
      e1 = e;
    }
    expect(e1).to.be.instanceOf(tg.NotFoundError);
    const path = await saver.save(m.sess, join(dir, 'm'));
    const data = readFileSync(`${path}.data-00000-of-00001`);
    data[3] ^= 0x40;
    writeFileSync(`${path}.data-00000-of-00001`, data);
    let e2: unknown;
    try {
      await saver.restore(m.sess, path);
    } catch (e) {
      e2 = e;
    }
    expect(e2).to.be.instanceOf(tg.DataLossError);
    expect(String(e2)).to.contain('checksum mismatch').and.contain('m.data-00000-of-00001');
    expect(tg.train.latestCheckpoint(tempDir('empty'))).to.equal(null);
  });
});

describe('serialization: SavedModel (TF1)', () => {
  it('loads the TF-written half_plus_two SavedModel and runs its signature', async () => {
    const g = new tg.Graph();
    const sess = new tg.Session({ graph: g });
    const meta = tg.savedModel.load(sess, ['serve'], fixture('half_plus_two'));
    expect(meta.metaInfoDef.tags).to.deep.equal(['serve']);
    expect(Object.keys(meta.skippedSignatures), 'signatures needing tf.Example parsing').to.include('regress_x_to_y');
    expect(tg.globalVariables(g).map((v) => v.op.name)).to.include.members(['a', 'b']);
    const pred = meta.signatureDef['serving_default'];
    expect(pred.outputs.y.name).to.equal('y:0');
    const out = await sess.run(Object.values(pred.outputs)[0].name, { [Object.values(pred.inputs)[0].name]: [[1], [2], [5]] });
    expect(out!.toArray()).to.deep.equal([[2.5], [3], [4.5]]);
  });

  it('signature names from a file are plain keys: __proto__ and constructor round-trip as signatures', async () => {
    const dir = join(tempDir('sm'), 'export');
    const g = new tg.Graph();
    const m = await model(g);
    const sig = { inputs: { x: m.x }, outputs: { y: m.y } };
    // JSON.parse makes '__proto__' an own key, as a decoded file's map would
    const signatureDefs = JSON.parse('{"__proto__": 1, "constructor": 2}') as Record<string, unknown>;
    for (const k of Object.keys(signatureDefs)) signatureDefs[k] = sig;
    tg.savedModel.save(m.sess, dir, { tags: ['serve'], signatureDefs: signatureDefs as Record<string, typeof sig> });
    const meta = tg.savedModel.load(new tg.Session({ graph: new tg.Graph() }), ['serve'], dir);
    expect(Object.keys(meta.signatureDef).sort()).to.deep.equal(['__proto__', 'constructor']);
    expect(Object.hasOwn(meta.signatureDef, '__proto__')).to.equal(true);
    expect(meta.signatureDef['constructor'].outputs.y.name).to.equal('y:0');
    expect(Object.keys(meta.skippedSignatures)).to.deep.equal([]);
  });

  it('save then load round-trips graph, signatures and variables', async () => {
    const dir = join(tempDir('sm'), 'export');
    const g = new tg.Graph();
    const m = await model(g);
    tg.savedModel.save(m.sess, dir, { tags: ['serve'], signatureDefs: { serving_default: { inputs: { x: m.x }, outputs: { y: m.y } } } });
    expect(existsSync(join(dir, 'saved_model.pb'))).to.equal(true);
    expect(tg.train.listVariables(join(dir, 'variables', 'variables')).map(([n]) => n)).to.deep.equal(['W', 'dense/b', 'global_step']);
    const g2 = new tg.Graph();
    const sess = new tg.Session({ graph: g2 });
    const meta = tg.savedModel.load(sess, ['serve'], dir);
    expect(meta.signatureDef.serving_default.inputs.x.name).to.equal('x:0');
    expect(meta.signatureDef.serving_default.outputs.y.name).to.equal('y:0');
    expect((await sess.run('y:0', { 'x:0': [[1, 1]] }))!.toArray()).to.deep.equal([[4.5, 5]]);
    let err: unknown;
    try {
      tg.savedModel.load(new tg.Session({ graph: new tg.Graph() }), ['train'], dir);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(tg.NotFoundError);
  });
});
