import {
  DType,
  InvalidArgumentError,
  isFullyDefined,
  NDArray,
  normalizeAxis,
  PartialShape,
  sizeOf,
  Tensor,
} from '../../graph/ir/index.js';
import { graphOf, int32Literal, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS } from '../dtype_sets.js';
import { intVector } from '../kernel_util.js';
import { defineOp, InputSpec } from '../op_def.js';

export type IndexType = { out_type: DType };

/** The target shape of a reshape as far as it is known: -1 resolved when the size allows. */
export function reshapeTarget(input: InputSpec, shapeIn: InputSpec): PartialShape {
  if (shapeIn.value === null) {
    const r = shapeIn.shape;
    return r !== null && r.length === 1 && r[0] !== null ? new Array<number | null>(r[0]).fill(null) : null;
  }
  const dims = intVector(shapeIn.value, 'Reshape: shape');
  let unknownAt = -1;
  let known = 1;
  for (let i = 0; i < dims.length; i++) {
    if (dims[i] === -1) {
      if (unknownAt >= 0) throw new InvalidArgumentError(`Reshape: only one input size may be -1, not both ${unknownAt} and ${i}`);
      unknownAt = i;
    } else if (dims[i] < 0) {
      throw new InvalidArgumentError(`Reshape: size ${i} must be non-negative, not ${dims[i]}`);
    } else known *= dims[i];
  }
  const inShape = input.shape;
  const out: (number | null)[] = dims.map((d) => (d === -1 ? null : d));
  if (isFullyDefined(inShape)) {
    const n = sizeOf(inShape);
    if (unknownAt >= 0) {
      if (known === 0) {
        throw new InvalidArgumentError('Reshape cannot infer the missing input size for an empty tensor unless all specified input sizes are non-zero');
      }
      if (n % known !== 0) {
        throw new InvalidArgumentError(`Input to reshape is a tensor with ${n} values, but the requested shape requires a multiple of ${known}`);
      }
      out[unknownAt] = n / known;
    } else if (n !== known) {
      throw new InvalidArgumentError(`Input to reshape is a tensor with ${n} values, but the requested shape has ${known}`);
    }
  }
  return out;
}

export const Reshape = defineOp({
  type: 'Reshape',
  hostInputs: [1],
  infer(inputs) {
    checkDType('shape', inputs[1].dtype, INTEGERS);
    return [{ dtype: inputs[0].dtype, shape: reshapeTarget(inputs[0], inputs[1]) }];
  },
  lowering: { kind: 'routine', routine: 'Reshape' },
  grad: (op, [g]) => [g && reshape(g, shape(op.inputs[0])), null],
});

export const Shape = defineOp<IndexType>()({
  type: 'Shape',
  attrDefaults: { out_type: 'int32' },
  infer(inputs, attrs) {
    checkDType('out_type', attrs.out_type, INTEGERS);
    const s = inputs[0].shape;
    return [{ dtype: attrs.out_type, shape: [s === null ? null : s.length] }];
  },
  lowering: { kind: 'routine', routine: 'Shape' },
  grad: () => [null],
});

export const Size = defineOp<IndexType>()({
  type: 'Size',
  attrDefaults: { out_type: 'int32' },
  infer: (_i, attrs) => [{ dtype: attrs.out_type, shape: [] }],
  lowering: { kind: 'routine', routine: 'Size' },
  grad: () => [null],
});

export const Rank = defineOp({
  type: 'Rank',
  infer: () => [{ dtype: 'int32', shape: [] }],
  lowering: { kind: 'routine', routine: 'Rank' },
  grad: () => [null],
});

export type SqueezeAttrs = { squeeze_dims: readonly number[] };

export const Squeeze = defineOp<SqueezeAttrs>()({
  type: 'Squeeze',
  attrDefaults: { squeeze_dims: [] },
  infer(inputs, attrs) {
    const s = inputs[0].shape;
    if (s === null) return [{ dtype: inputs[0].dtype, shape: null }];
    const axes = attrs.squeeze_dims.map((a) => normalizeAxis(a, s.length, 'Squeeze'));
    const out: (number | null)[] = [];
    let unknown = false;
    s.forEach((d, i) => {
      if (axes.length > 0 && !axes.includes(i)) out.push(d);
      else if (d === 1) return;
      else if (axes.length > 0) {
        if (d !== null) throw new InvalidArgumentError(`Can not squeeze dim[${i}], expected a dimension of 1, got ${d}`);
      } else if (d === null) unknown = true;
      else out.push(d);
    });
    return [{ dtype: inputs[0].dtype, shape: unknown ? null : out }];
  },
  lowering: { kind: 'routine', routine: 'Squeeze' },
  grad: (op, [g]) => [g && reshape(g, shape(op.inputs[0]))],
});

export const ExpandDims = defineOp({
  type: 'ExpandDims',
  hostInputs: [1],
  infer(inputs) {
    const [x, dim] = inputs;
    checkDType('dim', dim.dtype, INTEGERS);
    if (x.shape === null || dim.value === null) return [{ dtype: x.dtype, shape: null }];
    const rank = x.shape.length;
    const d = dim.value.data[0];
    if (dim.value.size !== 1) throw new InvalidArgumentError(`'dim' must be a tensor with a single value`);
    if (d < -rank - 1 || d > rank) throw new InvalidArgumentError(`Tried to expand dim index ${d} for tensor with ${rank} dimensions.`);
    const at = d < 0 ? d + rank + 1 : d;
    const out = [...x.shape];
    out.splice(at, 0, 1);
    return [{ dtype: x.dtype, shape: out }];
  },
  lowering: { kind: 'routine', routine: 'ExpandDims' },
  grad: (op, [g]) => [g && reshape(g, shape(op.inputs[0])), null],
});

const i32 = (v: number | readonly number[]): NDArray => int32Literal(v, 'shape');

export function reshape(x: TensorLike, newShape: TensorLike | readonly number[], name?: string): Tensor {
  const g = graphOf([x, newShape]);
  const s = Array.isArray(newShape) && newShape.every((d) => typeof d === 'number') ? i32(newShape as number[]) : (newShape as TensorLike);
  return makeOp(Reshape, [toTensor(x, undefined, g), toTensor(s, 'int32', g)], {}, { name, graph: g }).outputs[0];
}

export function shape(x: TensorLike, options: { outType?: DType } = {}, name?: string): Tensor {
  const t = toTensor(x);
  return makeOp(Shape, [t], { out_type: options.outType ?? 'int32' }, { name }).outputs[0];
}

export function size(x: TensorLike, name?: string): Tensor {
  return makeOp(Size, [toTensor(x)], { out_type: 'int32' }, { name }).outputs[0];
}

export function rank(x: TensorLike, name?: string): Tensor {
  return makeOp(Rank, [toTensor(x)], {}, { name }).outputs[0];
}

export function squeeze(x: TensorLike, axis?: number | readonly number[], name?: string): Tensor {
  const dims = axis === undefined ? [] : typeof axis === 'number' ? [axis] : [...axis];
  return makeOp(Squeeze, [toTensor(x)], { squeeze_dims: dims }, { name }).outputs[0];
}

export function expandDims(x: TensorLike, axis: number | TensorLike, name?: string): Tensor {
  const t = toTensor(x);
  const a = typeof axis === 'number' ? toTensor(i32(axis), 'int32', t.graph) : toTensor(axis, 'int32', t.graph);
  return makeOp(ExpandDims, [t, a], {}, { name }).outputs[0];
}

/** An int32 constant, for shape-like operands. */
export function intConst(v: number | readonly number[], graphOfValue: TensorLike): Tensor {
  return toTensor(i32(v), 'int32', graphOf([graphOfValue]));
}

