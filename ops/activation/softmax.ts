import { DType, InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, FLOATS } from '../dtype_sets.js';
import { defineOp, OpDef } from '../op_def.js';
import { mul, sub } from '../elementwise/math_binary.js';
import { exp } from '../elementwise/math_unary.js';
import { reduceSum } from '../reduce/reductions.js';
import { transpose } from '../array/transpose.js';

const inferRows = (opType: string) =>
  (inputs: readonly { dtype: DType; shape: (number | null)[] | null }[]) => {
    const [x] = inputs;
    checkDType('logits', x.dtype, FLOATS);
    if (x.shape !== null && x.shape.length < 1) throw new InvalidArgumentError(`${opType}: logits must have >= 1 dimension, got []`);
    return [{ dtype: x.dtype, shape: x.shape }];
  };

export const Softmax: OpDef = defineOp({
  type: 'Softmax',
  infer: inferRows('Softmax'),
  lowering: { kind: 'routine', routine: 'Softmax' },
  // dx = (g - sum(g * y, -1, keepdims)) * y
  grad: (op, [g]) => {
    if (!g) return [null];
    const y = op.outputs[0];
    return [mul(sub(g, reduceSum(mul(g, y), -1, true)), y)];
  },
});

export const LogSoftmax: OpDef = defineOp({
  type: 'LogSoftmax',
  infer: inferRows('LogSoftmax'),
  lowering: { kind: 'routine', routine: 'LogSoftmax' },
  // dx = g - sum(g, -1, keepdims) * softmax
  grad: (op, [g]) => (g ? [sub(g, mul(reduceSum(g, -1, true), exp(op.outputs[0])))] : [null]),
});

function alongAxis(def: OpDef, logits: TensorLike, axis: number, name: string | undefined): Tensor {
  const x = toTensor(logits);
  const rank = x.rank;
  const last = rank === null ? -1 : rank - 1;
  if (axis === -1 || axis === last) return makeOp(def, [x], {}, { name }).outputs[0];
  if (rank === null) throw new InvalidArgumentError(`${def.type} over axis ${axis} needs logits of known rank`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new InvalidArgumentError(`${def.type}: axis ${axis} is out of range for rank ${rank}`);
  // move the axis last, apply, move it back (a swap is its own inverse)
  const perm = Array.from({ length: rank }, (_v, i) => i);
  perm[a] = last;
  perm[last] = a;
  return transpose(makeOp(def, [transpose(x, perm)], {}).outputs[0], perm, name);
}

export const softmax = (logits: TensorLike, axis = -1, name?: string): Tensor => alongAxis(Softmax, logits, axis, name);
export const logSoftmax = (logits: TensorLike, axis = -1, name?: string): Tensor => alongAxis(LogSoftmax, logits, axis, name);
