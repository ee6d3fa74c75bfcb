import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../../src/index.js';

function smallNet() {
  const g = new tg.Graph();
  const t = g.asDefault(() => {
    const x = tg.placeholder('float32', [null, 2], 'x');
    const w = new tg.Variable(tg.NDArray.from([[1, -1], [2, 0.5]]), { name: 'W' });
    const h = tg.nameScope('layer', () => tg.relu(tg.matMul(x, w)));
    const y = tg.reduceSum(h, undefined, false, 'y');
    return { x, y, init: tg.globalVariablesInitializer() };
  });
  return { g, ...t };
}

describe('session.run debug options', () => {
  it('debug.dump writes every tensor of the run (name, op type, dtype, shape, values) and readDump reads it back', async () => {
    const { g, y, init } = smallNet();
    const sess = new tg.Session({ graph: g });
    await sess.run(init);
    const dir = join(mkdtempSync(join(tmpdir(), 'tg-dump-')), 'dump');
    const out = await sess.run(y, { 'x:0': [[1, 2], [3, -4]] }, { debug: { dump: dir } });
    expect(out.item()).to.equal(5);
    const entries = tg.debugging.readDump(dir);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('x:0')!.value.toArray()).to.deep.equal([[1, 2], [3, -4]]);
    expect(byName.get('layer/MatMul:0')).to.deep.include({ opType: 'MatMul', dtype: 'float32', shape: [2, 2] });
    expect(byName.get('layer/MatMul:0')!.value.toArray()).to.deep.equal([[5, 0], [-5, -5]]);
    expect(byName.get('layer/Relu:0')!.value.toArray()).to.deep.equal([[5, 0], [0, 0]]);
    expect(byName.get('y:0')!.value.item()).to.equal(5);
    expect(readdirSync(dir).filter((f) => f.endsWith('.npy'))).to.have.length(entries.length);
    const npy = readFileSync(join(dir, byName.get('layer/Relu:0')!.file));
    expect(npy.subarray(1, 6).toString('latin1')).to.equal('NUMPY');
    expect(npy.toString('latin1')).to.contain("'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }");
    expect((10 + npy.readUInt16LE(8)) % 64).to.equal(0);
  });

  it('readDump refuses a truncated .npy with a DataLossError naming the file', async () => {
    const { g, y, init } = smallNet();
    const sess = new tg.Session({ graph: g });
    await sess.run(init);
    const dir = mkdtempSync(join(tmpdir(), 'tg-dump-'));
    await sess.run(y, { 'x:0': [[1, 2]] }, { debug: { dump: dir } });
    const victim = tg.debugging.readDump(dir).find((e) => e.name === 'layer/Relu:0')!.file;
    const bytes = readFileSync(join(dir, victim));
    writeFileSync(join(dir, victim), bytes.subarray(0, bytes.length - 3));
    expect(() => tg.debugging.readDump(dir)).to.throw(tg.DataLossError, new RegExp(`${victim}.*needs 8 data bytes, the file has 5`));
  });

  it('debug.checkNumerics names the op, its type, its input shapes and the line that created it', async () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 3], 'x');
      const h = tg.nameScope('block', () => tg.sqrt(tg.sub(x, 1))); // planted: sqrt of a negative
      return { x, y: tg.reduceSum(h, undefined, false, 'y') };
    });
    const sess = new tg.Session({ graph: g, optimizer: { disable: ['all'] } });
    expect((await sess.run(y, new Map([[x, [[2, 2, 2]]]]))).item()).to.equal(3);
    let err: unknown;
    try {
      await sess.run(y, new Map([[x, [[2, 0, 2]]]]), { debug: { checkNumerics: true } });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(tg.InvalidArgumentError);
    const msg = (err as Error).message;
    expect(msg).to.match(/NaN values \(first at flat index 1\) in output of 'block\/Sqrt'/);
    expect(msg).to.contain('[[node block/Sqrt (Sqrt) with input shapes: [1,3]]]');
    expect(msg).to.match(/Caused by op 'block\/Sqrt' \(Sqrt\), defined at:\n.*debug_run\.test\.[jt]s:\d+/);
    // without the option the same run returns the NaN
    expect(Number.isNaN((await sess.run(y, new Map([[x, [[2, 0, 2]]]]))).item())).to.equal(true);
  });

  it('checkNumerics names the user op even where the compiler would fuse it (it compiles that run unfused)', async () => {
    const g = new tg.Graph();
    let line = 0;
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 3], 'x');
      line = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split('\n')[1])![1]) + 1;
      const h = tg.nameScope('block', () => tg.relu(tg.sqrt(tg.sub(x, 1))));
      return { x, y: tg.reduceSum(tg.mul(h, 2), undefined, false, 'y') };
    });
    const sess = new tg.Session({ graph: g, debug: { checkNumerics: true } });
    let err: unknown;
    try {
      await sess.run(y, new Map([[x, [[2, 0, 2]]]]));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(tg.InvalidArgumentError);
    const msg = (err as Error).message;
    expect(msg).to.contain("in output of 'block/Sqrt' [[node block/Sqrt (Sqrt) with input shapes: [1,3]]]");
    expect(msg).to.match(new RegExp(`Caused by op 'block/Sqrt' \\(Sqrt\\), defined at:\n.*debug_run\\.test\\.[jt]s:${line}:`));
    // the same session without the check still runs the fused plan
    const plain = new tg.Session({ graph: g });
    expect(Number.isNaN((await plain.run(y, new Map([[x, [[2, 0, 2]]]]))).item())).to.equal(true);
    expect(plain.lastOptimizeReport!.fused.length).to.be.greaterThan(0);
  });
});
