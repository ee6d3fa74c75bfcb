import { expect } from 'chai';
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import * as tg from '../../src/index.js';

/** Walks a PNG's chunks with Node's zlib as the independent check: CRCs, header, pixels. */
function decodePng(png: Uint8Array): { width: number; height: number; colorType: number; rows: Uint8Array[] } {
  const buf = Buffer.from(png);
  expect([...buf.subarray(0, 8)]).to.deep.equal([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.subarray(at + 4, at + 8).toString('latin1');
    const data = buf.subarray(at + 8, at + 8 + len);
    expect(buf.readUInt32BE(at + 8 + len), `${type} CRC`).to.equal(zlibCrc32(buf.subarray(at + 4, at + 8 + len)));
    types.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9];
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  expect(types).to.deep.equal(['IHDR', 'IDAT', 'IEND']);
  const raw = inflateSync(Buffer.concat(idat));
  const channels = colorType === 0 ? 1 : colorType === 2 ? 3 : 4;
  const stride = width * channels + 1;
  expect(raw.length).to.equal(height * stride);
  return { width, height, colorType, rows: Array.from({ length: height }, (_v, y) => new Uint8Array(raw.subarray(y * stride + 1, (y + 1) * stride))) };
}

describe('tg.summary.image', () => {
  it('encodes the first maxOutputs NHWC images as PNGs that zlib inflates back to the pixels', () => {
    const data = Float32Array.from({ length: 3 * 2 * 3 }, (_v, i) => (i % 6) / 5);
    const s = tg.summary.image('digits', new tg.NDArray('float32', [3, 2, 3, 1], data), { maxOutputs: 2 });
    expect(s.value.map((v) => v.tag)).to.deep.equal(['digits/image/0', 'digits/image/1']);
    const img = s.value[1].image!;
    expect(img).to.deep.include({ height: 2, width: 3, colorspace: 1 });
    const png = decodePng(img.encoded_image_string);
    expect(png).to.deep.include({ width: 3, height: 2, colorType: 0 });
    expect(png.rows.map((r) => [...r])).to.deep.equal([[0, 51, 102], [153, 204, 255]]);
  });

  it('RGB int32 images; one image is tagged <tag>/image; a large image spans several deflate blocks', () => {
    const h = 200;
    const w = 120;
    const data = Int32Array.from({ length: h * w * 3 }, (_v, i) => (i * 7) % 256);
    const s = tg.summary.image('big', new tg.NDArray('int32', [1, h, w, 3], data));
    expect(s.value.map((v) => v.tag)).to.deep.equal(['big/image']);
    const png = decodePng(s.value[0].image!.encoded_image_string);
    expect(png.colorType).to.equal(2);
    expect([...png.rows[h - 1]]).to.deep.equal([...data.subarray((h - 1) * w * 3)]);
  });

  it('round-trips through an event file; bad shapes are refused with the tag and shape', () => {
    const s = tg.summary.image('x', new tg.NDArray('float32', [1, 1, 1, 1], Float32Array.of(0.5)));
    const w = new tg.summary.BytesWriter();
    w.addSummary(s, 4);
    const ev = tg.summary.readEvents(w.bytes()).find((e) => e.summary)!;
    expect(ev.step).to.equal(4);
    expect(decodePng(ev.summary!.value[0].image!.encoded_image_string).rows[0][0]).to.equal(128);
    expect(() => tg.summary.image('bad', tg.NDArray.zeros('float32', [2, 28, 28]))).to.throw(tg.InvalidArgumentError, /'bad'.*rank 4.*\[2,28,28\]/);
    expect(() => tg.summary.image('bad', tg.NDArray.zeros('float32', [1, 2, 2, 2]))).to.throw(tg.InvalidArgumentError, /2 channels/);
  });
});
