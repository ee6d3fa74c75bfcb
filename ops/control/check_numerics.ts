import { Tensor } from '../../graph/ir/index.js';
import { makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, FLOATS } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';

export type CheckAttrs = { message: string };

/** TF's CheckNumerics: passes its input through, or fails naming NaN or Inf with the message. */
export const CheckNumerics = defineOp<CheckAttrs>()({
  type: 'CheckNumerics',
  attrDefaults: { message: '' },
  infer: ([x]) => {
    checkDType('tensor', x.dtype, FLOATS);
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  lowering: { kind: 'routine', routine: 'CheckNumerics' },
  // stateful in TF's registry: never folded, deduplicated or dropped by the compiler
  stateful: true,
  // the gradient is checked too, as TF does
  grad: (op, [g]) => [g && checkNumerics(g, `Not a number (NaN) or infinity (Inf) values detected in gradient. ${String(op.attrs.message)}`)],
});

/** tf.debugging.check_numerics(x, message). */
export function checkNumerics(x: TensorLike, message: string, name?: string): Tensor {
  return makeOp(CheckNumerics, [toTensor(x)], { message }, { name }).outputs[0];
}
