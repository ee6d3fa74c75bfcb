import { InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { makeOp, TensorLike, toTensor } from '../builder.js';
import type { OpDef } from '../op_def.js';
import { transpose } from '../array/transpose.js';
import { LogSoftmax, Softmax } from './softmax.js';

/** tf.nn.softmax / log_softmax over any axis: the ops work on the last one, so others go through a transpose. */
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
