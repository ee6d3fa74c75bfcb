import type { Tensor } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { defineOp } from '../op_def.js';
import { ApplySignature, inferApply } from './apply_checks.js';

export const GRADIENT_DESCENT_SIG: ApplySignature = { names: ['var', 'alpha', 'delta'], refs: [0], scalars: [1] };

/** var -= alpha * delta, in one kernel (TF's ApplyGradientDescent). */
export const ApplyGradientDescent = defineOp<{ use_locking: boolean }>()({
  type: 'ApplyGradientDescent',
  attrDefaults: { use_locking: false },
  infer: (inputs, _a, ctx) => inferApply(GRADIENT_DESCENT_SIG, inputs, ctx),
  lowering: { kind: 'routine', routine: 'ApplyGradientDescent' },
  grad: 'none',
  stateful: true,
  refInputs: GRADIENT_DESCENT_SIG.refs,
});

export function applyGradientDescent(ref: Tensor, alpha: Tensor, delta: Tensor, name?: string): Tensor {
  return makeOp(ApplyGradientDescent, [ref, alpha, delta], { use_locking: false }, { name }).outputs[0];
}
