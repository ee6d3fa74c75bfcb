import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../../src/index.js';
import { TensorSliceReader } from '../../../serialization/checkpoint/tensor_slice_reader.js';
import { makeOp } from '../../../ops/builder.js';
import { getOpDef } from '../../../ops/registry.js';
import { fixture, tempDir } from '../fixtures.js';

const BAD = fixture('tf/bad_half_plus_two');
const BUNDLE = fixture('tf/session_bundle_half_plus_two');

describe('serialization: V1 (TensorSliceReader) checkpoints written by TF', () => {
  it('a single-file V1 checkpoint: listed and read (TF Serving bad_half_plus_two: Variable 0.5, Variable_1 2)', () => {
    expect(tg.train.listVariables(join(BAD, 'export'))).to.deep.equal([['Variable', []], ['Variable_1', []]]);
    expect(tg.train.loadVariable(join(BAD, 'export'), 'Variable').toArray()).to.equal(0.5);
    expect(tg.train.loadVariable(join(BAD, 'export'), 'Variable_1:0').toArray()).to.equal(2);
  });

  it('a sharded V1 checkpoint, by prefix and by the Saver pattern prefix-?????-of-00001 (session bundle half_plus_two: a 0.5, b 2)', () => {
    for (const p of [join(BUNDLE, 'export'), join(BUNDLE, 'export-?????-of-00001')]) {
      expect(tg.train.listVariables(p)).to.deep.equal([['a', []], ['b', []]]);
      expect(['a', 'b'].map((n) => tg.train.loadVariable(p, n).toArray())).to.deep.equal([0.5, 2]);
    }
  });

  it("a TF1 MetaGraph with V1 Variable ops: imported, restored from its V1 checkpoint by the Saver importMetaGraph returns, and run", async () => {
    const g = new tg.Graph();
    const saver = tg.train.importMetaGraph(join(BAD, 'export.meta'), { graph: g });
    expect(g.getOperationByName('Variable').type).to.equal('Variable');
    const sess = new tg.Session({ graph: g });
    await saver!.restore(sess, join(BAD, 'export'));
    const ys = [];
    for (const x of [0, 1, 4]) ys.push(((await sess.run('Add:0', { 'Placeholder:0': x })) as tg.NDArray).toArray());
    expect(ys).to.deep.equal([2, 2.5, 4]);
    // and the V1 Variable op initializes, assigns and trains like VariableV2
    const sess2 = new tg.Session({ graph: g });
    await sess2.run('init');
    expect(((await sess2.run('Variable:0')) as tg.NDArray).toArray()).to.equal(0.5);
  });

  it("TF1's Restore and RestoreSlice ops read V1 checkpoints by path or shard pattern, and say which key or dtype is wrong", async () => {
    const g = new tg.Graph();
    const op = (type: string, inputs: string[], dt: tg.DType): tg.Tensor => makeOp(getOpDef(type), inputs.map((s) => tg.constant(s)), { dt }, { graph: g }).outputs[0];
    const [a, b, missing, wrong] = g.asDefault(() => [
      op('Restore', [join(BAD, 'export'), 'Variable'], 'float32'),
      op('RestoreSlice', [join(BUNDLE, 'export-?????-of-00001'), 'b', ''], 'float32'),
      op('Restore', [join(BAD, 'export'), 'nope'], 'float32'),
      op('Restore', [join(BAD, 'export'), 'Variable'], 'int32'),
    ]);
    const sess = new tg.Session({ graph: g });
    expect(((await sess.run([a, b])) as tg.NDArray[]).map((x) => x.toArray())).to.deep.equal([0.5, 2]);
    await sess.run(missing).then(() => expect.fail('read a missing key'), (e: unknown) => expect(String(e)).to.match(/NotFoundError.*Key nope not found/s));
    await sess.run(wrong).then(() => expect.fail('read with the wrong dtype'), (e: unknown) => expect(String(e)).to.match(/expected dtype int32 does not equal original dtype float32/));
  });

  it('hostile V1 files: truncated, flipped or unlisted slices give typed errors', () => {
    const bytes = readFileSync(join(BAD, 'export'));
    const dir = tempDir('v1-bad');
    let typed = 0;
    for (let i = 0; i < 400; i++) {
      const m = Uint8Array.from(bytes);
      if (i % 4 === 0) {
        writeFileSync(join(dir, 'ck'), m.subarray(0, (i * 7) % m.length));
      } else {
        m[(i * 31) % m.length] ^= 1 << (i % 8);
        writeFileSync(join(dir, 'ck'), m);
      }
      try {
        const r = new TensorSliceReader(join(dir, 'ck'));
        for (const n of r.names()) r.read(n);
      } catch (e) {
        expect(e, String(e)).to.be.instanceOf(tg.TensorGraphError);
        typed++;
      }
    }
    expect(typed).to.be.greaterThan(0);
  });
});
