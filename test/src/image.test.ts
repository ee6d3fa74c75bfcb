import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { oracle, randomData } from '../util/oracle.js';
import { checkGradients } from '../util/grad_check.js';

async function run(build: () => tg.Tensor, seed?: number): Promise<tg.NDArray> {
  const g = new tg.Graph();
  if (seed !== undefined) g.seed = seed;
  const t = g.asDefault(build);
  return (await new tg.Session({ graph: g }).run(t)) as tg.NDArray;
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  expect(a.length).to.equal(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i], `element ${i}`).to.be.closeTo(b[i], tol);
}

describe('tg.image', () => {
  it('perImageStandardization: (x - mean) / max(stddev, 1/sqrt(N)) per image (TF formula)', async () => {
    const data = randomData(2 * 3 * 4 * 2, 7, 0, 255);
    const out = await run(() => tg.image.perImageStandardization(tg.constant(tg.NDArray.from(data, [2, 3, 4, 2]))));
    expect(out.shape).to.deep.equal([2, 3, 4, 2]);
    const n = 24;
    for (let b = 0; b < 2; b++) {
      const img = Array.from(data.slice(b * n, (b + 1) * n));
      const mean = img.reduce((s, v) => s + v, 0) / n;
      const sd = Math.sqrt(img.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
      close(out.data.slice(b * n, (b + 1) * n) as Float32Array, img.map((v) => (v - mean) / Math.max(sd, 1 / Math.sqrt(n))), 1e-4);
    }
    // a uniform image: stddev 0, floored at 1/sqrt(N), so zeros rather than NaN
    const flat = await run(() => tg.image.perImageStandardization(tg.fill([2, 2, 1], 5)));
    expect(Array.from(flat.data)).to.deep.equal([0, 0, 0, 0]);
    expect(() => new tg.Graph().asDefault(() => tg.image.perImageStandardization(tg.zeros([4, 4])))).to.throw(tg.InvalidArgumentError, /must be \[height, width, channels\]/);
  });

  it('flipLeftRight, resizeNearestNeighbor and resizeBilinear agree with tfjs', async () => {
    const tf = await oracle();
    const data = randomData(2 * 5 * 7 * 3, 3);
    const x = tg.NDArray.from(data, [2, 5, 7, 3]);
    const ref = tf.tensor4d(data, [2, 5, 7, 3]);
    close((await run(() => tg.image.flipLeftRight(tg.constant(x)))).data as Float32Array, tf.image.flipLeftRight(ref).dataSync());
    for (const size of [[3, 4], [9, 11], [5, 7]] as [number, number][]) {
      const nn = await run(() => tg.image.resizeNearestNeighbor(tg.constant(x), size));
      expect(nn.shape).to.deep.equal([2, ...size, 3]);
      close(nn.data as Float32Array, tf.image.resizeNearestNeighbor(ref, size).dataSync());
      close((await run(() => tg.image.resizeBilinear(tg.constant(x), size))).data as Float32Array, tf.image.resizeBilinear(ref, size).dataSync());
    }
    // rank 3 too
    const img = tg.NDArray.from(data.slice(0, 5 * 7 * 3), [5, 7, 3]);
    close((await run(() => tg.image.flipLeftRight(tg.constant(img)))).data as Float32Array, tf.reverse(tf.tensor3d(data.slice(0, 105), [5, 7, 3]), 1).dataSync());
  });

  it('randomFlipLeftRight gives each image either itself or its mirror; randomCrop a window of the input', async () => {
    const data = randomData(8 * 2 * 3 * 1, 5);
    const x = tg.NDArray.from(data, [8, 2, 3, 1]);
    const out = await run(() => tg.image.randomFlipLeftRight(tg.constant(x), { seed: 1 }), 3);
    const mirror = await run(() => tg.image.flipLeftRight(tg.constant(x)));
    let flipped = 0;
    for (let b = 0; b < 8; b++) {
      const got = Array.from(out.data.slice(b * 6, b * 6 + 6));
      const same = got.every((v, i) => v === data[b * 6 + i]);
      const mir = got.every((v, i) => v === mirror.data[b * 6 + i]);
      expect(same || mir, `image ${b}`).to.equal(true);
      if (mir && !same) flipped++;
    }
    expect(flipped).to.be.within(1, 7);
    const grid = tg.NDArray.from(Float32Array.from({ length: 30 }, (_, i) => i), [5, 6]);
    const crop = await run(() => tg.image.randomCrop(tg.constant(grid), [2, 3], { seed: 2 }), 4);
    expect(crop.shape).to.deep.equal([2, 3]);
    const [r, c] = [Math.floor(crop.data[0] / 6), crop.data[0] % 6];
    expect(Array.from(crop.data)).to.deep.equal([0, 1, 2, 6, 7, 8].map((d) => (r + Math.floor(d / 6)) * 6 + c + (d % 6)));
  });
});

describe('tg.nn composed ops', () => {
  it('embeddingLookup gathers rows of params (tfjs gather)', async () => {
    const tf = await oracle();
    const params = randomData(10 * 4, 9);
    const ids = [[3, 0], [9, 3]];
    const out = await run(() => tg.nn.embeddingLookup(tg.constant(tg.NDArray.from(params, [10, 4])), ids));
    expect(out.shape).to.deep.equal([2, 2, 4]);
    close(out.data as Float32Array, tf.gather(tf.tensor2d(params, [10, 4]), tf.tensor2d(ids, [2, 2], 'int32')).dataSync());
  });

  it('conv1d matches tfjs conv1d (strides, padding, dilation) and has gradients', async () => {
    const tf = await oracle();
    const x = randomData(2 * 9 * 3, 11);
    const f = randomData(3 * 3 * 4, 12);
    for (const [stride, padding, dilation] of [[1, 'SAME', 1], [2, 'VALID', 1], [1, 'VALID', 2]] as [number, 'SAME' | 'VALID', number][]) {
      const out = await run(() => tg.nn.conv1d(tg.constant(tg.NDArray.from(x, [2, 9, 3])), tg.constant(tg.NDArray.from(f, [3, 3, 4])), { stride, padding, dilations: dilation }));
      const ref = tf.conv1d(tf.tensor3d(x, [2, 9, 3]), tf.tensor3d(f, [3, 3, 4]), stride, padding === 'SAME' ? 'same' : 'valid', 'NWC', dilation);
      expect(out.shape).to.deep.equal(ref.shape);
      close(out.data as Float32Array, ref.dataSync(), 1e-4);
    }
    // gradients for value and filters, against finite differences
    await checkGradients(([v, w]) => tg.nn.conv1d(v, w, { stride: 2, padding: 'SAME' }), [tg.NDArray.from(x, [2, 9, 3]), tg.NDArray.from(f, [3, 3, 4])]);
  });

  it('perImageStandardization and resizeBilinear have gradients (finite differences)', async () => {
    await checkGradients(([v]) => tg.image.perImageStandardization(v), [tg.NDArray.from(randomData(2 * 3 * 3 * 2, 31), [2, 3, 3, 2])]);
    await checkGradients(([v]) => tg.image.resizeBilinear(v, [5, 4]), [tg.NDArray.from(randomData(1 * 3 * 3 * 2, 32), [1, 3, 3, 2])]);
  });
});
