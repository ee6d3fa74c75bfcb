import { expect } from 'chai';
import * as tg from '../../../src/index.js';

describe('graph/ir: the string dtype', () => {
  it('NDArray of strings: from literals (UTF-8 bytes), toArray decodes, bytes are the raw elements', () => {
    const a = tg.NDArray.from([['a', 'bé'], ['', 'x']]);
    expect(a.dtype).to.equal('string');
    expect(a.shape).to.deep.equal([2, 2]);
    expect(a.size).to.equal(4);
    expect(a.toArray()).to.deep.equal([['a', 'bé'], ['', 'x']]);
    expect([...a.bytes[1]]).to.deep.equal([0x62, 0xc3, 0xa9]);
    expect(tg.NDArray.scalar('s').toArray()).to.equal('s');
    expect(tg.NDArray.zeros('string', [2]).toArray()).to.deep.equal(['', '']);
    expect(tg.NDArray.from('q', [3]).toArray()).to.deep.equal(['q', 'q', 'q']);
    const raw = tg.NDArray.fromStrings([new Uint8Array([0xff, 0])]);
    expect([...raw.bytes[0]]).to.deep.equal([0xff, 0]);
  });

  it('a string array copies what it is given and clone() copies the bytes', () => {
    const mine = new Uint8Array([1, 2]);
    const a = tg.NDArray.fromStrings([mine]);
    mine[0] = 9;
    expect([...a.bytes[0]]).to.deep.equal([1, 2]);
    const c = a.clone();
    expect(c.bytes[0]).to.not.equal(a.bytes[0]);
    expect([...c.bytes[0]]).to.deep.equal([1, 2]);
  });

  it('numeric access to a string array, mixed literals and casts are typed errors', () => {
    const a = tg.NDArray.fromStrings(['a']);
    expect(() => a.data).to.throw(tg.InvalidArgumentError, /string tensor of shape \[1\] has no numeric data/);
    expect(() => a.item()).to.throw(tg.InvalidArgumentError, /no numeric data/);
    expect(() => tg.NDArray.from([1, 2]).bytes).to.throw(tg.InvalidArgumentError, /holds numbers, not strings/);
    expect(() => tg.NDArray.from(['a', 1] as never)).to.throw(tg.InvalidArgumentError, /Cannot mix strings/);
    expect(() => tg.NDArray.from([1, 'a'] as never)).to.throw(tg.InvalidArgumentError, /Cannot mix strings/);
    expect(() => tg.NDArray.from(['a'], undefined, 'float32')).to.throw(tg.InvalidArgumentError, /Cannot convert strings to dtype float32/);
    expect(() => tg.NDArray.from(a, undefined, 'float32')).to.throw(tg.InvalidArgumentError, /Cast string to float32/);
    expect(() => new tg.NDArray('string', [1], new Float32Array(1) as never)).to.throw(tg.InvalidArgumentError, /cannot hold dtype string/);
  });

  it('constants, placeholders and Identity of strings: feeds and fetches', async () => {
    const g = new tg.Graph();
    const { c, i } = g.asDefault(() => {
      const c = tg.constant(['a', 'b'], 'c');
      const p = tg.placeholder('string', [null], 'p');
      return { c, p, i: tg.identity(p) };
    });
    expect(c.dtype).to.equal('string');
    const sess = new tg.Session({ graph: g });
    const [cv, iv] = (await sess.run([c, i], { p: ['x', 'yz', ''] })) as tg.NDArray[];
    expect(cv.toArray()).to.deep.equal(['a', 'b']);
    expect(iv.toArray()).to.deep.equal(['x', 'yz', '']);
    expect(((await sess.run(i, { p: tg.NDArray.fromStrings(['n']) })) as tg.NDArray).toArray()).to.deep.equal(['n']);
    await sess.run(i, { p: [1, 2] }).then(
      () => expect.fail('a number fed to a string placeholder'),
      (e: unknown) => expect(String(e)).to.match(/Cannot feed value 1 to tensor 'p:0' of dtype string/),
    );
  });

  it('an op with no string kernel refuses strings with its name and type; Reshape moves them', async () => {
    const g = new tg.Graph();
    const { r, y } = g.asDefault(() => {
      const p = tg.placeholder('string', [2], 'p');
      return { r: tg.reshape(p, [2, 1]), y: tg.transpose(tg.reshape(p, [1, 2])) };
    });
    const sess = new tg.Session({ graph: g });
    // Reshape moves strings as it moves numbers; Transpose has no string kernel and says so
    expect(((await sess.run(r, { p: ['a', 'b'] })) as tg.NDArray).toArray()).to.deep.equal([['a'], ['b']]);
    await sess.run(y, { p: ['a', 'b'] }).then(
      () => expect.fail('transpose of strings ran'),
      (e: unknown) => {
        expect(e).to.be.instanceOf(tg.TensorGraphError);
        expect(String(e)).to.match(/has no numeric data.*Transpose/s);
      },
    );
  });

  it('on a backend that is not host-resident, string ops run on the host CPU; numeric ops stay', async () => {
    const g = new tg.Graph();
    const { s, y, x } = g.asDefault(() => {
      const x = tg.placeholder('float32', [2], 'x');
      return { x, s: tg.identity(tg.constant(['a', 'b'], 'names'), 'names_id'), y: tg.exp(x, 'e') };
    });
    const dev = new tg.NullBackend();
    const sess = new tg.Session({ graph: g, backend: dev, optimizer: { disable: ['all'] } });
    const [sv] = (await sess.run([s, y], { [x.name]: [1, 2] })) as tg.NDArray[];
    expect(sv.toArray()).to.deep.equal(['a', 'b']);
    const where = Object.fromEntries(sess.lastPlacement.filter((e) => e.type !== '_Copy').map((e) => [e.name, e.device]));
    expect(where).to.deep.equal({ names: '/device:CPU:0', names_id: '/device:CPU:0', e: '/device:NULL:0' });
    expect(dev.dispatches.map((d) => d.type)).to.deep.equal(['Exp']);
  });

  it('the compiler leaves string constants whole: CSE merges equal ones and only those', async () => {
    const g = new tg.Graph();
    const outs = g.asDefault(() => [tg.identity(tg.constant(['a'])), tg.identity(tg.constant(['a'])), tg.identity(tg.constant(['b']))]);
    const sess = new tg.Session({ graph: g });
    const vals = (await sess.run(outs)) as tg.NDArray[];
    expect(vals.map((v) => v.toArray())).to.deep.equal([['a'], ['a'], ['b']]);
  });
});
