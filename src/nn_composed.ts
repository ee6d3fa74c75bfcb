import { InvalidArgumentError, Tensor } from '../graph/ir/index.js';
import { TensorLike, toTensor } from '../ops/builder.js';
import { gather } from '../ops/array/gather.js';
import { IntOperand, intOperand } from '../ops/array/operands.js';
import { resourceGather } from '../ops/state/resource_ops.js';
import { Variable } from '../ops/state/variable.js';
import { expandDims, squeeze } from '../ops/array/reshape.js';
import { conv2d } from '../ops/nn/conv2d.js';

/** tf.nn.embedding_lookup(params, ids) for one (unsharded) params tensor: rows of params by id. */
export function embeddingLookup(params: TensorLike, ids: IntOperand, name?: string): Tensor {
  // a resource variable is read by ResourceGather, as TF does: only the picked rows are read
  if (params instanceof Variable && params.isResource) {
    return params.graph.nameScope(name ?? 'embedding_lookup', () => resourceGather(params.ref, intOperand(ids, params.graph, 'indices'), params.dtype));
  }
  const p = toTensor(params);
  return p.graph.nameScope(name ?? 'embedding_lookup', () => gather(p, ids, 0));
}

export interface Conv1DOptions {
  stride: number;
  padding: 'SAME' | 'VALID';
  dilations?: number;
  dataFormat?: 'NWC';
}

/**
 * tf.nn.conv1d: value [batch, width, in], filters [k, in, out], built as TF builds it: a conv2d
 * over a height-1 image ([batch, 1, width, in], filter [1, k, in, out]) squeezed back.
 */
export function conv1d(value: TensorLike, filters: TensorLike, options: Conv1DOptions, name?: string): Tensor {
  const x = toTensor(value);
  if (options.dataFormat !== undefined && options.dataFormat !== 'NWC') throw new InvalidArgumentError(`conv1d: dataFormat must be 'NWC', got '${String(options.dataFormat)}'`);
  return x.graph.nameScope(name ?? 'conv1d', () => {
    const y = conv2d(expandDims(x, 1), expandDims(filters, 0), {
      strides: [1, 1, options.stride, 1],
      padding: options.padding,
      dilations: [1, 1, options.dilations ?? 1, 1],
    });
    return squeeze(y, [1]);
  });
}
