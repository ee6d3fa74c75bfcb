import {
  detachFrom,
  DType,
  getDefaultGraph,
  InvalidArgumentError,
  isCompatible,
  formatShape,
  mergeShapes,
  NDArray,
  NestedArray,
  PartialShape,
  Tensor,
} from '../../graph/ir/index.js';
import { makeConst, makeOp, TensorLike, toTensor } from '../builder.js';
import { ANY, checkDType } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';

export type PlaceholderAttrs = { dtype: DType; shape: PartialShape };

/** Placeholders are never executed: the session requires a feed before running anything. */
export const Placeholder = defineOp<PlaceholderAttrs>()({
  type: 'Placeholder',
  attrDefaults: { shape: null },
  infer: (_i, attrs) => {
    checkDType('dtype', attrs.dtype, ANY);
    return [{ dtype: attrs.dtype, shape: attrs.shape === null ? null : [...attrs.shape] }];
  },
  lowering: { kind: 'routine', routine: 'Placeholder' },
  grad: 'none',
});

export const PlaceholderWithDefault = defineOp<PlaceholderAttrs>()({
  type: 'PlaceholderWithDefault',
  infer(inputs, attrs) {
    if (!isCompatible(attrs.shape, inputs[0].shape)) {
      throw new InvalidArgumentError(`PlaceholderWithDefault: default value of shape ${formatShape(inputs[0].shape)} is not compatible with shape ${formatShape(attrs.shape)}`);
    }
    // the declared shape, refined by the default's (fully known at run time)
    return [{ dtype: inputs[0].dtype, shape: mergeShapes(attrs.shape, inputs[0].shape, 'PlaceholderWithDefault') }];
  },
  lowering: { kind: 'routine', routine: 'PlaceholderWithDefault' },
  grad: (_op, [g]) => [g],
});

export type ConstAttrs = { value: NDArray; dtype: DType };

export const Const = defineOp<ConstAttrs>()({
  type: 'Const',
  infer: (_i, attrs) => [{ dtype: attrs.value.dtype, shape: attrs.value.shape }],
  lowering: { kind: 'routine', routine: 'Const' },
  grad: 'none',
});

export function placeholder(dtype: DType, shape: PartialShape | undefined = null, name?: string): Tensor {
  checkDType('dtype', dtype, ANY);
  // -1 is TF's marker for an unknown dimension (as in TensorShapeProto); any other negative is refused by makeOp
  const dims = shape === null ? null : shape.map((d) => (d === -1 ? null : d));
  return makeOp(Placeholder, [], { dtype, shape: dims }, { name, graph: getDefaultGraph() }).outputs[0];
}

export function placeholderWithDefault(input: TensorLike, shape: PartialShape, name?: string): Tensor {
  const t = toTensor(input);
  return makeOp(PlaceholderWithDefault, [t], { dtype: t.dtype, shape }, { name }).outputs[0];
}

export interface ConstantOptions {
  dtype?: DType;
  shape?: readonly number[];
  name?: string;
}

/**
 * tf.constant: nested arrays, a scalar (broadcast to `shape` when given), a TypedArray or a flat
 * array with `shape`, or an NDArray.
 */
export function constant(value: NestedArray | NDArray | ArrayBufferView, options: ConstantOptions | string = {}): Tensor {
  const opts: ConstantOptions = typeof options === 'string' ? { name: options } : options;
  let arr: NDArray;
  if (value instanceof NDArray) arr = opts.dtype && opts.dtype !== value.dtype ? NDArray.from(value, undefined, opts.dtype) : value;
  else if (ArrayBuffer.isView(value)) arr = NDArray.from(value as Float32Array, opts.shape, opts.dtype);
  else if (opts.shape && Array.isArray(value) && !value.some(Array.isArray)) arr = NDArray.from(value, opts.shape, opts.dtype);
  else arr = NDArray.from(value, opts.shape, opts.dtype);
  if (opts.shape && arr.shape.join() !== opts.shape.join()) {
    throw new InvalidArgumentError(`tg.constant: value of shape ${formatShape(arr.shape)} does not match shape ${formatShape(opts.shape)}`);
  }
  // TF copies the value into the graph: later writes to the caller's array change nothing
  return makeConst(detachFrom(arr, value), opts.name ?? 'Const', getDefaultGraph());
}
