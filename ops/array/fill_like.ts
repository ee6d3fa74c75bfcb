import { DType, Graph, NDArray, Tensor } from '../../graph/ir/index.js';
import { graphOf, int32Literal, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS } from '../dtype_sets.js';
import { intVector } from '../kernel_util.js';
import { defineOp } from '../op_def.js';
import { InvalidArgumentError } from '../../graph/ir/index.js';

export const Fill = defineOp({
  type: 'Fill',
  hostInputs: [0],
  infer(inputs) {
    const [dims, value] = inputs;
    checkDType('dims', dims.dtype, INTEGERS);
    if (value.shape !== null && value.shape.length !== 0) throw new InvalidArgumentError(`value must be a scalar, got shape [${value.shape.join(',')}]`);
    if (dims.value) {
      const d = intVector(dims.value, 'Fill: dims');
      for (const v of d) if (v < 0) throw new InvalidArgumentError(`Fill: dims must be non-negative, got [${d.join(',')}]`);
      return [{ dtype: value.dtype, shape: d }];
    }
    const n = dims.shape?.[0];
    return [{ dtype: value.dtype, shape: n === null || n === undefined ? null : new Array<null>(n).fill(null) }];
  },
  lowering: { kind: 'routine', routine: 'Fill' },
});

const likeOp = (type: 'ZerosLike' | 'OnesLike') =>
  defineOp({
    type,
    infer: ([x]) => [{ dtype: x.dtype, shape: x.shape }],
    lowering: { kind: 'routine', routine: type },
    grad: () => [null],
  });

export const ZerosLike = likeOp('ZerosLike');
export const OnesLike = likeOp('OnesLike');

function dimsTensor(shape: TensorLike | readonly number[], g: Graph, what: string): Tensor {
  if (Array.isArray(shape) && shape.every((d) => typeof d === 'number')) {
    return toTensor(int32Literal(shape as number[], `${what}: shape`), 'int32', g, 'shape');
  }
  return toTensor(shape as TensorLike, 'int32', g);
}

export function fill(shape: TensorLike | readonly number[], value: TensorLike, name?: string, dtype?: DType): Tensor {
  const g = graphOf([shape, value]);
  const v = toTensor(typeof value === 'number' || typeof value === 'boolean' ? NDArray.scalar(value, dtype) : value, dtype, g);
  return makeOp(Fill, [dimsTensor(shape, g, name ?? 'fill'), v], {}, { name, graph: g }).outputs[0];
}

export const zeros = (shape: TensorLike | readonly number[], dtype: DType = 'float32', name = 'zeros'): Tensor => fill(shape, NDArray.scalar(0, dtype), name);
export const ones = (shape: TensorLike | readonly number[], dtype: DType = 'float32', name = 'ones'): Tensor => fill(shape, NDArray.scalar(1, dtype), name);

export function zerosLike(x: TensorLike, name?: string): Tensor {
  return makeOp(ZerosLike, [toTensor(x)], {}, { name }).outputs[0];
}

export function onesLike(x: TensorLike, name?: string): Tensor {
  return makeOp(OnesLike, [toTensor(x)], {}, { name }).outputs[0];
}
