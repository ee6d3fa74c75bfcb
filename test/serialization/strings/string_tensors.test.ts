import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../../src/index.js';
import { BundleReader, dataPath, encodeBundle, writeBundle } from '../../../serialization/checkpoint/bundle.js';
import { crc32c, maskCrc } from '../../../serialization/checkpoint/crc32c.js';
import { decodeStringTensor, encodeStringTensor } from '../../../serialization/checkpoint/string_tensor.js';
import { tensorFromProto, tensorToProto } from '../../../serialization/tensor_proto.js';
import { fixture, tempDir } from '../fixtures.js';

const TF2 = fixture('tf/half_plus_two_tf2/variables/variables');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytesOf = (a: tg.NDArray): number[][] => a.bytes.map((b) => [...b]);

describe('serialization: DT_STRING tensors', () => {
  it('a TF2 checkpoint (TF Serving half_plus_two_tf2): lists and reads _CHECKPOINTABLE_OBJECT_GRAPH and the variables', () => {
    const r = new BundleReader(TF2);
    expect(r.list()).to.deep.equal([
      ['_CHECKPOINTABLE_OBJECT_GRAPH', []],
      ['a/.ATTRIBUTES/VARIABLE_VALUE', []],
      ['b/.ATTRIBUTES/VARIABLE_VALUE', []],
      ['c/.ATTRIBUTES/VARIABLE_VALUE', []],
    ]);
    const graph = r.read('_CHECKPOINTABLE_OBJECT_GRAPH');
    expect(graph.dtype).to.equal('string');
    expect(graph.shape).to.deep.equal([]);
    // a serialized TrackableObjectGraph: field 1 (nodes), length-delimited
    expect(graph.bytes[0].length).to.equal(613);
    expect(graph.bytes[0][0]).to.equal(0x0a);
    expect(new TextDecoder().decode(graph.bytes[0])).to.include('a/.ATTRIBUTES/VARIABLE_VALUE');
    expect(['a', 'b', 'c'].map((v) => r.read(`${v}/.ATTRIBUTES/VARIABLE_VALUE`).item())).to.deep.equal([0.5, 2, 3]);
    expect(tg.train.loadVariable(TF2, '_CHECKPOINTABLE_OBJECT_GRAPH').bytes[0].length).to.equal(613);
  });

  it("a Saver restores a TF2 checkpoint's variables (its object graph string entry is read past, not refused)", async () => {
    const g = new tg.Graph();
    const vars = g.asDefault(() => ['a', 'b', 'c'].map((n) => new tg.Variable(tg.NDArray.scalar(0), { name: n })));
    const saver = new tg.train.Saver({ graph: g, varList: Object.fromEntries(vars.map((v) => [`${v.op.name}/.ATTRIBUTES/VARIABLE_VALUE`, v])) });
    const sess = new tg.Session({ graph: g });
    await saver.restore(sess, TF2);
    expect(((await sess.run(vars.map((v) => v.value()))) as tg.NDArray[]).map((a) => a.item())).to.deep.equal([0.5, 2, 3]);
  });

  it('encodes a string tensor byte for byte and crc for crc as TF wrote it', () => {
    const r = new BundleReader(TF2);
    const e = r.entry('_CHECKPOINTABLE_OBJECT_GRAPH');
    const ours = encodeStringTensor(r.read('_CHECKPOINTABLE_OBJECT_GRAPH').bytes);
    const data = readFileSync(dataPath(TF2));
    expect([...ours.bytes]).to.deep.equal([...data.subarray(e.offset, e.offset + e.size)]);
    expect(maskCrc(ours.crc)).to.equal(e.crc32c);
  });

  it('the layout: varint64 lengths, the masked crc of the lengths as uint32s, then the bytes', () => {
    const long = new Uint8Array(200).fill(7);
    const { bytes } = encodeStringTensor([enc('ab'), new Uint8Array(0), long]);
    expect([...bytes.subarray(0, 4)]).to.deep.equal([2, 0, 0xc8, 0x01]);
    const lengths = new Uint8Array(12);
    const dv = new DataView(lengths.buffer);
    [2, 0, 200].forEach((n, i) => dv.setUint32(4 * i, n, true));
    expect(new DataView(bytes.buffer, 4, 4).getUint32(0, true)).to.equal(maskCrc(crc32c(lengths)));
    expect([...bytes.subarray(8, 10)]).to.deep.equal([...enc('ab')]);
    expect(bytes.length).to.equal(8 + 2 + 200);
  });

  it('checkpoints round-trip string tensors of any shape, empty strings and non-UTF-8 bytes', () => {
    const prefix = join(tempDir('strings'), 'ckpt');
    const values = new Map([
      ['names', tg.NDArray.fromStrings(['x', '', 'üñï', new Uint8Array([0xff, 0x00, 0xfe])], [2, 2])],
      ['empty', tg.NDArray.fromStrings([], [0, 3])],
      ['scalar', tg.NDArray.fromStrings(['s'], [])],
      ['w', tg.NDArray.from([1.5, -2])],
    ]);
    writeBundle(prefix, values);
    const r = new BundleReader(prefix);
    for (const [k, v] of values) {
      const got = r.read(k);
      expect(got.dtype, k).to.equal(v.dtype);
      expect(got.shape, k).to.deep.equal(v.shape);
      if (v.dtype === 'string') expect(bytesOf(got), k).to.deep.equal(bytesOf(v));
      else expect(got.toArray(), k).to.deep.equal(v.toArray());
    }
  });

  describe('hostile string entries give DataLossError, never a huge allocation', () => {
    const good = encodeStringTensor([enc('hello'), enc('w')]);
    const cases: [string, Uint8Array, number, RegExp][] = [
      ['a truncated varint', new Uint8Array([0x80, 0x80]), 1, /truncated/],
      ['an absurd length', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]), 1, /claims/],
      ['a length past the entry', Uint8Array.from([0x40, 0, 0, 0, 0, 1, 2]), 1, /past the entry/],
      ['more elements than bytes', new Uint8Array(3), 1e15, /cannot fit/],
      ['a missing length checksum', Uint8Array.from([1, 0]), 1, /checksum of the string lengths is missing/],
      ['a corrupt length checksum', Uint8Array.from([...good.bytes.subarray(0, 2), 0, 0, 0, 0, ...good.bytes.subarray(6)]), 2, /string lengths/],
      ['trailing bytes', Uint8Array.from([...good.bytes, 9]), 2, /add up to/],
      ['a corrupt payload', Uint8Array.from([...good.bytes.subarray(0, -1), 0x21]), 2, /checksum mismatch \(the data/],
    ];
    for (const [what, bytes, n, msg] of cases) {
      it(what, () => {
        expect(() => decodeStringTensor(bytes, n, maskCrc(good.crc), 'f: tensor t')).to.throw(tg.DataLossError, msg);
      });
    }
  });

  it('a corrupted string entry in a checkpoint file fails with the file and tensor named', () => {
    const prefix = join(tempDir('strings-bad'), 'ckpt');
    writeBundle(prefix, new Map([['s', tg.NDArray.fromStrings(['abc', 'de'])]]));
    const data = readFileSync(dataPath(prefix));
    data[data.length - 1] ^= 0x40;
    writeFileSync(dataPath(prefix), data);
    expect(() => new BundleReader(prefix).read('s')).to.throw(tg.DataLossError, /data-00000-of-00001: tensor 's'.*checksum/);
  });

  it('TensorProto: string_val both ways, one value fills the shape, too many values refused', () => {
    const a = tg.NDArray.fromStrings(['a', 'bc', ''], [3]);
    const p = tensorToProto(a);
    expect(p.dtype).to.equal(7);
    expect(p.string_val!.map((b) => [...b])).to.deep.equal(bytesOf(a));
    expect(bytesOf(tensorFromProto(p, 't'))).to.deep.equal(bytesOf(a));
    const filled = tensorFromProto({ dtype: 7, tensor_shape: { dim: [{ size: 2 }, { size: 2 }] }, string_val: [enc('z')] }, 't');
    expect(filled.toArray()).to.deep.equal([['z', 'z'], ['z', 'z']]);
    expect(tensorFromProto({ dtype: 7, tensor_shape: { dim: [{ size: 2 }] } }, 't').toArray()).to.deep.equal(['', '']);
    expect(() => tensorFromProto({ dtype: 7, tensor_shape: { dim: [{ size: 1 }] }, string_val: [enc('a'), enc('b')] }, 'node c')).to.throw(tg.InvalidArgumentError, /node c: 2 strings/);
    expect(() => tensorFromProto({ dtype: 7, tensor_shape: { dim: [{ size: 1e9 }] }, string_val: [enc('a')] }, 'node c')).to.throw(tg.InvalidArgumentError, /too large to fill/);
    // tensor_content in TF's string-list encoding (varint32 lengths, then the bytes)
    const listed = tensorFromProto({ dtype: 7, tensor_shape: { dim: [{ size: 2 }] }, tensor_content: Uint8Array.from([1, 2, 0x61, 0x62, 0x63]) }, 't');
    expect(listed.toArray()).to.deep.equal(['a', 'bc']);
    expect(() => tensorFromProto({ dtype: 7, tensor_shape: {}, tensor_content: Uint8Array.from([0x80]) }, 'node c')).to.throw(tg.InvalidArgumentError, /node c: tensor_content.*truncated/);
    expect(() => tensorFromProto({ dtype: 7, tensor_shape: {}, tensor_content: Uint8Array.from([9, 1]) }, 'node c')).to.throw(tg.InvalidArgumentError, /add up to 9 bytes/);
    expect(() => tensorFromProto({ dtype: 7, tensor_shape: { dim: [{ size: 1e12 }] }, tensor_content: Uint8Array.from([0]) }, 'node c')).to.throw(tg.InvalidArgumentError, /cannot fit/);
  });

  it('GraphDef: a string Const exports as DT_STRING string_val and imports back', async () => {
    const g = new tg.Graph();
    g.asDefault(() => tg.constant([['a', 'b'], ['c', 'dé']], 'names'));
    const def = tg.graphUtil.toGraphDef(g);
    const node = def.node!.find((n) => n.name === 'names')!;
    expect(node.attr!.dtype).to.deep.equal({ type: 7 });
    expect(node.attr!.value.tensor!.string_val!.map((b) => new TextDecoder().decode(b))).to.deep.equal(['a', 'b', 'c', 'dé']);
    const g2 = new tg.Graph();
    tg.importGraphDef(tg.graphUtil.encodeGraphDef(def), { graph: g2 });
    const t = g2.getTensorByName('names:0');
    expect(t.dtype).to.equal('string');
    expect(t.shape).to.deep.equal([2, 2]);
    const sess = new tg.Session({ graph: g2 });
    expect(((await sess.run(t)) as tg.NDArray).toArray()).to.deep.equal([['a', 'b'], ['c', 'dé']]);
  });

  it('bundles written by encodeBundle list string entries with their dtype', () => {
    const { index } = encodeBundle(new Map([['s', tg.NDArray.fromStrings(['q'])]]));
    expect(index.length).to.be.greaterThan(0);
  });
});
