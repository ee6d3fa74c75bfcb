import { InvalidArgumentError, NDArray } from '../graph/ir/index.js';
import { encodePng } from '../serialization/png.js';
import type { SummaryObj } from '../serialization/summary.js';

/**
 * tf.summary.image for a batch of NHWC images already on the host (a fetched or fed NDArray):
 * the first `maxOutputs` images as PNGs, tagged `<tag>/image/<i>` (`<tag>/image` for one), as
 * TF names them. Pass the result to `FileWriter.addSummary`. Float images are taken as [0, 1]
 * (TF's convention) and clamped; int32 images as 0..255. Channels: 1, 3 or 4.
 *
 * A host function rather than a graph op: the image is encoded where the writer runs, so a graph
 * needs no summary op to log the batch it was fed.
 */
export function image(tag: string, images: NDArray, options: { maxOutputs?: number } = {}): SummaryObj {
  if (images.shape.length !== 4) throw new InvalidArgumentError(`tg.summary.image '${tag}': expected NHWC images of rank 4, got shape [${images.shape.join(',')}]`);
  const [n, h, w, c] = images.shape;
  if (c !== 1 && c !== 3 && c !== 4) throw new InvalidArgumentError(`tg.summary.image '${tag}': ${c} channels in shape [${images.shape.join(',')}]; expected 1, 3 or 4`);
  if (images.dtype === 'bool' || images.dtype === 'int64') throw new InvalidArgumentError(`tg.summary.image '${tag}': dtype ${images.dtype}; expected float32 or int32`);
  const maxOutputs = options.maxOutputs ?? 3;
  if (!Number.isInteger(maxOutputs) || maxOutputs < 1) throw new InvalidArgumentError(`tg.summary.image '${tag}': maxOutputs must be a positive integer, got ${maxOutputs}`);
  const count = Math.min(n, maxOutputs);
  const per = h * w * c;
  const scale = images.dtype === 'float32' ? 255 : 1;
  const value = [];
  for (let i = 0; i < count; i++) {
    const px = new Uint8Array(per);
    for (let k = 0; k < per; k++) px[k] = Math.min(255, Math.max(0, Math.round(images.data[i * per + k] * scale)));
    value.push({ tag: count === 1 ? `${tag}/image` : `${tag}/image/${i}`, image: { height: h, width: w, colorspace: c, encoded_image_string: encodePng(px, h, w, c) } });
  }
  return { value };
}
