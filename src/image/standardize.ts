import { InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { TensorLike, toTensor } from '../../ops/builder.js';
import { cast } from '../../ops/array/cast.js';
import { shape } from '../../ops/array/reshape.js';
import { slice } from '../../ops/array/slice.js';
import { div, maximum, sub } from '../../ops/elementwise/math_binary.js';
import { rsqrt, sqrt, square } from '../../ops/elementwise/math_unary.js';
import { reduceMean, reduceProd } from '../../ops/reduce/reductions.js';

/**
 * tf.image.per_image_standardization: (x - mean) / max(stddev, 1/sqrt(N)) over each image's
 * N = height*width*channels values; the floor keeps a uniform image finite. x is [H,W,C] or
 * [batch,H,W,C]; the result is float32.
 */
export function perImageStandardization(image: TensorLike, name?: string): Tensor {
  const x = toTensor(image);
  if (x.rank !== null && x.rank !== 3 && x.rank !== 4) {
    throw new InvalidArgumentError(`per_image_standardization: image '${x.name}' must be [height, width, channels] or [batch, height, width, channels], got shape ${JSON.stringify(x.shape)}`);
  }
  return x.graph.nameScope(name ?? 'per_image_standardization', () => {
    const f = cast(x, 'float32');
    const axes = [-1, -2, -3];
    const rank = x.rank ?? 3;
    const numPixels = cast(reduceProd(slice(shape(f), [rank - 3], [3])), 'float32');
    const mean = reduceMean(f, axes, true);
    const stddev = sqrt(reduceMean(square(sub(f, mean)), axes, true));
    const adjusted = maximum(stddev, rsqrt(numPixels));
    return div(sub(f, mean), adjusted);
  });
}
