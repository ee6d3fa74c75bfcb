import { InvalidArgumentError, NDArray, Tensor } from '../../graph/ir/index.js';
import { TensorLike, toTensor } from '../../ops/builder.js';
import { cast } from '../../ops/array/cast.js';
import { gather } from '../../ops/array/gather.js';
import { reshape, shape } from '../../ops/array/reshape.js';
import { slice } from '../../ops/array/slice.js';
import { less, where } from '../../ops/elementwise/compare.js';
import { add, mul, sub } from '../../ops/elementwise/math_binary.js';
import { randomUniform } from '../../ops/random/random.js';
import { stack } from '../../ops/array/pack.js';

/*
 * tf.image ops composed from gathers with constant indices: they need the image's height and
 * width known when the graph is built (the indices are worked out then, in JS).
 */

function imageDims(x: Tensor, op: string): { rank: 3 | 4; h: number; w: number } {
  const s = x.shape;
  if (s === null || (s.length !== 3 && s.length !== 4)) throw new InvalidArgumentError(`${op}: image '${x.name}' must have rank 3 or 4, got shape ${JSON.stringify(s)}`);
  const rank = s.length as 3 | 4;
  const [h, w] = [s[rank - 3], s[rank - 2]];
  if (h === null || w === null) throw new InvalidArgumentError(`${op}: image '${x.name}' needs a known height and width, got shape ${JSON.stringify(s)}`);
  return { rank, h, w };
}

function int32(values: readonly number[]): NDArray {
  return NDArray.from(Int32Array.from(values), [values.length], 'int32');
}

/** tf.image.flip_left_right: reverses the width axis. */
export function flipLeftRight(image: TensorLike, name?: string): Tensor {
  const x = toTensor(image);
  const { rank, w } = imageDims(x, 'flip_left_right');
  return x.graph.nameScope(name ?? 'flip_left_right', () => gather(x, int32(Array.from({ length: w }, (_, i) => w - 1 - i)), rank - 2));
}

/**
 * tf.image.random_flip_left_right: flips with probability 1/2 (one draw for the image, or per
 * image of a batch, as TF), seeded like every random op here.
 */
export function randomFlipLeftRight(image: TensorLike, options: { seed?: number } = {}, name?: string): Tensor {
  const x = toTensor(image);
  const { rank } = imageDims(x, 'random_flip_left_right');
  return x.graph.nameScope(name ?? 'random_flip_left_right', () => {
    const draws = rank === 4 ? [x.shape![0] ?? -1] : [];
    const u = randomUniform(rank === 4 && draws[0] === -1 ? slice(shape(x), [0], [1]) : draws, { seed: options.seed });
    const flip = reshape(less(u, 0.5), rank === 4 ? [-1, 1, 1, 1] : [1, 1, 1]);
    return where(flip, flipLeftRight(x), x);
  });
}

/** Source rows of TF1's resize (align_corners=false, half_pixel_centers=false): dst * in/out. */
function sourceCoords(inSize: number, outSize: number): number[] {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, i) => i * scale);
}

/** tf.image.resize_nearest_neighbor(images, [height, width]) with TF1's defaults. */
export function resizeNearestNeighbor(images: TensorLike, size: readonly [number, number], name?: string): Tensor {
  const x = toTensor(images);
  const { rank, h, w } = imageDims(x, 'resize_nearest_neighbor');
  const pick = (n: number, m: number) => int32(sourceCoords(n, m).map((c) => Math.min(Math.floor(c), n - 1)));
  return x.graph.nameScope(name ?? 'resize_nearest_neighbor', () => gather(gather(x, pick(h, size[0]), rank - 3), pick(w, size[1]), rank - 2));
}

/** tf.image.resize_bilinear(images, [height, width]) with TF1's defaults; the result is float32. */
export function resizeBilinear(images: TensorLike, size: readonly [number, number], name?: string): Tensor {
  const x = toTensor(images);
  const { rank, h, w } = imageDims(x, 'resize_bilinear');
  return x.graph.nameScope(name ?? 'resize_bilinear', () => {
    const along = (t: Tensor, n: number, m: number, axis: number): Tensor => {
      const c = sourceCoords(n, m);
      const lo = c.map((v) => Math.floor(v));
      const hi = lo.map((v) => Math.min(v + 1, n - 1));
      const frac = c.map((v, i) => v - lo[i]);
      const weightShape = Array.from({ length: rank }, (_, k) => (k === axis ? m : 1));
      const wt = NDArray.from(Float32Array.from(frac), weightShape, 'float32');
      const a = gather(t, int32(lo), axis);
      const b = gather(t, int32(hi), axis);
      return add(a, mul(sub(b, a), wt));
    };
    return along(along(cast(x, 'float32'), h, size[0], rank - 3), w, size[1], rank - 2);
  });
}

/** tf.image.random_crop(value, size): a window of `size` at a uniformly drawn offset. */
export function randomCrop(value: TensorLike, size: readonly number[], options: { seed?: number } = {}, name?: string): Tensor {
  const x = toTensor(value);
  const s = x.shape;
  if (s === null || s.length !== size.length || s.some((d, i) => d === null || d < size[i])) {
    throw new InvalidArgumentError(`random_crop: cannot crop size ${JSON.stringify(size)} from '${x.name}' of shape ${JSON.stringify(s)} (known dims, each at least the size)`);
  }
  return x.graph.nameScope(name ?? 'random_crop', () => {
    // offset in [0, dim - size] per axis
    const limits = (s as number[]).map((d, i) => d - size[i] + 1);
    const offsets = limits.map((l, i) => randomUniform([], { dtype: 'int32', minval: 0, maxval: l, seed: options.seed === undefined ? undefined : options.seed + i }));
    return slice(x, stack(offsets), size);
  });
}
