import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { writeBundle } from '../../serialization/checkpoint/bundle.js';
import { decodeMessage, encodeMessage, pb } from '../../serialization/codec.js';
import { decodeMetaGraph, encodeMetaGraph } from '../../serialization/meta_graph.js';
import type { MetaGraphDef, VariableDefObj } from '../../serialization/types.js';
import { tempDir } from './fixtures.js';

/** The model that is saved and loaded: W, dense/b, global_step, x → y. */
async function model(g: tg.Graph) {
  return g.asDefault(async () => {
    const w = new tg.Variable(tg.NDArray.from([[1, 2], [3, 4]]), { name: 'W' });
    const b = new tg.Variable(tg.NDArray.from([0.5, -1]), { name: 'dense/b' });
    new tg.Variable(tg.NDArray.scalar(0, 'int64'), { name: 'global_step', trainable: false });
    const x = tg.placeholder('float32', [null, 2], 'x');
    const y = tg.add(tg.matMul(x, w), b, 'y');
    const sess = new tg.Session({ graph: g });
    await sess.run(tg.globalVariablesInitializer(g));
    return { x, y, sess };
  });
}

/** A session whose graph already holds something (a variable with a changed value, a collection). */
async function host() {
  const g = new tg.Graph();
  const h = g.asDefault(() => new tg.Variable(tg.NDArray.from([1, 2, 3]), { name: 'host' }));
  g.addToCollection('extras', h.value());
  const sess = new tg.Session({ graph: g });
  await sess.run(h.initializer);
  await sess.run(h.assign([5, 6, 7]));
  return { g, h, sess };
}

type Host = Awaited<ReturnType<typeof host>>;
const MODEL_NAMES = ['W', 'W/read', 'dense/b', 'global_step', 'x', 'y', 'MatMul', 'init'];

/** Everything a failed load must leave as it was. */
async function snapshot({ g, h, sess }: Host) {
  const show = (x: unknown) => (x instanceof tg.Variable ? `variable ${x.name}` : x instanceof tg.Tensor || x instanceof tg.Operation ? x.name : String(x));
  return {
    ops: g.getOperations().map((o) => o.name),
    version: g.version,
    collections: Object.fromEntries(g.getAllCollectionKeys().sort().map((k) => [k, g.getCollection(k).map(show)])),
    nextNames: MODEL_NAMES.map((n) => g.uniqueName(n, false)),
    host: (await sess.run(h.value()))!.toArray(),
    modelValues: ['W', 'dense/b', 'global_step'].map((n) => sess.variableValue(n) === undefined),
  };
}

async function expectNoTrace(hst: Host, load: () => unknown, errorType: new (...a: never[]) => Error, message: RegExp) {
  const before = await snapshot(hst);
  let err: unknown;
  try {
    await load();
  } catch (e) {
    err = e;
  }
  expect(err, 'the load fails').to.be.instanceOf(errorType);
  expect(String(err)).to.match(message);
  expect(await snapshot(hst)).to.deep.equal(before);
}

function flipByte(file: string, at: (n: number) => number): void {
  const b = readFileSync(file);
  b[at(b.length)] ^= 0x5a;
  writeFileSync(file, b);
}

describe('serialization: a failed load leaves no trace', () => {
  describe('savedModel.load', () => {
    let dir: string;
    let files: Record<string, Buffer>;
    before(async () => {
      dir = join(tempDir('sm-atomic'), 'export');
      const m = await model(new tg.Graph());
      tg.savedModel.save(m.sess, dir, { signatureDefs: { serving_default: { inputs: { x: m.x }, outputs: { y: m.y } } } });
      files = Object.fromEntries(['saved_model.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00001'].map((f) => [f, readFileSync(join(dir, f))]));
    });
    const restoreFiles = () => {
      for (const [f, b] of Object.entries(files)) writeFileSync(join(dir, f), b);
    };
    const editMeta = (edit: (m: MetaGraphDef) => void) => {
      const sm = decodeMessage<{ saved_model_schema_version?: number; meta_graphs: MetaGraphDef[] }>(pb.SavedModel, files['saved_model.pb'], 'test');
      edit(sm.meta_graphs[0]);
      writeFileSync(join(dir, 'saved_model.pb'), encodeMessage(pb.SavedModel, sm));
    };
    const variablesPrefix = () => join(dir, 'variables', 'variables');

    const cases: [string, () => void, new (...a: never[]) => Error, RegExp][] = [
      ['a truncated variables.index', () => writeFileSync(`${variablesPrefix()}.index`, files['variables/variables.index'].subarray(0, 40)), tg.DataLossError, /variables\.index/],
      ['a corrupt variables.index', () => flipByte(`${variablesPrefix()}.index`, () => 12), tg.DataLossError, /variables\.index/],
      ['corrupt variable data', () => flipByte(`${variablesPrefix()}.data-00000-of-00001`, () => 5), tg.DataLossError, /checksum mismatch/],
      [
        'a variable missing from the checkpoint',
        () => writeBundle(variablesPrefix(), new Map([['W', tg.NDArray.from([[1, 2], [3, 4]])], ['global_step', tg.NDArray.scalar(0, 'int64')]])),
        tg.NotFoundError,
        /Key dense\/b not found/,
      ],
      [
        'a variable of the wrong shape',
        () => writeBundle(variablesPrefix(), new Map([['W', tg.NDArray.from([[1, 2], [3, 4]])], ['dense/b', tg.NDArray.from([1, 2, 3])], ['global_step', tg.NDArray.scalar(0, 'int64')]])),
        tg.InvalidArgumentError,
        /rhs shape= \[3\]/,
      ],
      [
        'a variables collection naming a tensor that does not exist',
        () =>
          editMeta((m) => {
            const col = m.collection_def!['variables'].bytes_list!.value!;
            const vd = decodeMessage<VariableDefObj>(pb.VariableDef, col[2], 'test');
            col[2] = encodeMessage(pb.VariableDef, { ...vd, snapshot_name: 'global_step/read:4' });
          }),
        tg.InvalidArgumentError,
        /collection 'variables'/,
      ],
      [
        'a signature input that must become a placeholder of an unknown dtype',
        () =>
          editMeta((m) => {
            m.graph_def!.node!.find((n) => n.name === 'x')!.op = 'ParseExampleV2';
            m.signature_def!['serving_default'].inputs!['x'].dtype = 999;
          }),
        tg.InvalidArgumentError,
        /999|dtype/,
      ],
    ];
    for (const [what, corrupt, errorType, message] of cases) {
      it(`${what}: graph, collections, names and variables stay as they were; a retry after the fix loads`, async () => {
        const hst = await host();
        restoreFiles();
        corrupt();
        await expectNoTrace(hst, () => tg.savedModel.load(hst.sess, ['serve'], dir), errorType, message);
        restoreFiles();
        const meta = tg.savedModel.load(hst.sess, ['serve'], dir);
        expect(meta.signatureDef.serving_default.outputs.y.name).to.equal('y:0');
        expect((await hst.sess.run('y:0', { 'x:0': [[1, 1]] }))!.toArray()).to.deep.equal([[4.5, 5]]);
        expect((await hst.sess.run(hst.h.value()))!.toArray()).to.deep.equal([5, 6, 7]);
      });
    }
  });

  describe('train.importMetaGraph', () => {
    let metaFile: string;
    let original: Buffer;
    before(async () => {
      const dir = tempDir('meta-atomic');
      const g = new tg.Graph();
      const m = await model(g);
      const path = await g.asDefault(() => new tg.train.Saver()).save(m.sess, join(dir, 'model'));
      metaFile = `${path}.meta`;
      original = readFileSync(metaFile);
    });
    const editMeta = (edit: (m: MetaGraphDef) => void) => {
      const meta = decodeMetaGraph(original, 'test');
      edit(meta);
      writeFileSync(metaFile, encodeMetaGraph(meta));
    };
    const cases: [string, (m: MetaGraphDef) => void][] = [
      ['a node_list collection naming a node that does not exist', (m) => (m.collection_def!['my_outputs'] = { node_list: { value: ['y:0', 'nope:0'] } })],
      ['a node_list collection naming an output past the end', (m) => (m.collection_def!['my_outputs'] = { node_list: { value: ['y:3'] } })],
      [
        'a variables collection naming an initializer that does not exist',
        (m) => {
          const col = m.collection_def!['variables'].bytes_list!.value!;
          const vd = decodeMessage<VariableDefObj>(pb.VariableDef, col[2], 'test');
          col[2] = encodeMessage(pb.VariableDef, { ...vd, initializer_name: 'global_step/NoSuchAssign' });
        },
      ],
    ];
    for (const [what, edit] of cases) {
      it(`${what}: the graph stays as it was; a retry after the fix imports`, async () => {
        const hst = await host();
        editMeta(edit);
        await expectNoTrace(hst, () => tg.train.importMetaGraph(metaFile, { graph: hst.g }), tg.InvalidArgumentError, /collection '/);
        writeFileSync(metaFile, original);
        expect(tg.train.importMetaGraph(metaFile, { graph: hst.g })).to.be.instanceOf(tg.train.Saver);
        expect(tg.globalVariables(hst.g).map((v) => v.name)).to.deep.equal(['host:0', 'W:0', 'dense/b:0', 'global_step:0']);
        const imported = new tg.train.Saver({ graph: hst.g, varList: tg.globalVariables(hst.g).slice(1) });
        await imported.restore(hst.sess, metaFile.replace(/\.meta$/, ''));
        expect((await hst.sess.run('y:0', { 'x:0': [[1, 1]] }))!.toArray()).to.deep.equal([[4.5, 5]]);
      });
    }
  });

  describe('importGraphDef', () => {
    let bytes: Uint8Array;
    before(async () => {
      const g = new tg.Graph();
      await model(g);
      bytes = tg.graphUtil.encodeGraphDef(tg.graphUtil.toGraphDef(g));
    });
    const cases: [string, (h: Host) => Parameters<typeof tg.importGraphDef>[1], new (...a: never[]) => Error, RegExp][] = [
      ['a return element that does not exist', (h) => ({ graph: h.g, returnElements: ['y:0', 'nope:0'] }), tg.NotFoundError, /nope:0/],
      ['a return tensor past the last output', (h) => ({ graph: h.g, returnElements: ['y:3'] }), tg.NotFoundError, /y:3/],
      ['a name the graph already has', (h) => ({ graph: h.g, prefix: 'host' }), tg.InvalidArgumentError, /already exists|Duplicate/],
      ['an input map from another graph', () => ({ graph: new tg.Graph(), inputMap: { 'x:0': tg.placeholder('float32', [null, 2], 'elsewhere') } }), tg.InvalidArgumentError, /different graph/],
    ];
    for (const [what, options, errorType, message] of cases) {
      it(`${what}: the graph stays as it was; a retry without it imports`, async () => {
        const hst = await host();
        if (what === 'a name the graph already has') hst.g.asDefault(() => tg.placeholder('float32', [], 'host/x'));
        await expectNoTrace(hst, () => tg.importGraphDef(bytes, options(hst)), errorType, message);
        const [y] = tg.importGraphDef(bytes, { graph: hst.g, returnElements: ['y:0'] });
        expect((y as tg.Tensor).name).to.equal('y:0');
      });
    }
  });

  it('Saver.restore: a corrupt tensor late in the file changes no variable', async () => {
    const dir = tempDir('restore-atomic');
    const g = new tg.Graph();
    const m = await model(g);
    const saver = g.asDefault(() => new tg.train.Saver());
    const path = await saver.save(m.sess, join(dir, 'model'));
    await m.sess.run(g.asDefault(() => [tg.globalVariables(g)[0].assign([[9, 9], [9, 9]]), tg.globalVariables(g)[1].assign([9, 9])]));
    // the data file holds W, dense/b, global_step in key order: spoil the last one
    flipByte(`${path}.data-00000-of-00001`, (n) => n - 1);
    const values = async () => Promise.all(['W:0', 'dense/b:0', 'global_step:0'].map(async (n) => (await m.sess.run(n))!.toArray()));
    const before = await values();
    let err: unknown;
    try {
      await saver.restore(m.sess, path);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(tg.DataLossError);
    expect(String(err)).to.contain("tensor 'global_step'");
    expect(await values()).to.deep.equal(before);
  });
});
