import type { Tensor } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { defineOp } from '../op_def.js';
import { ApplySignature, inferApply } from './apply_checks.js';

export type ApplyAdadeltaAttrs = { use_locking: boolean };

export const ADADELTA_SIG: ApplySignature = {
  names: ['var', 'accum', 'accum_update', 'lr', 'rho', 'epsilon', 'grad'],
  refs: [0, 1, 2],
  scalars: [3, 4, 5],
};

/**
 * TF's ApplyAdadelta, one kernel: accum = rho * accum + (1 - rho) * grad^2;
 * update = sqrt(accum_update + epsilon) / sqrt(accum + epsilon) * grad;
 * accum_update = rho * accum_update + (1 - rho) * update^2; var -= lr * update.
 */
export const ApplyAdadelta = defineOp<ApplyAdadeltaAttrs>()({
  type: 'ApplyAdadelta',
  attrDefaults: { use_locking: false },
  infer: (inputs, _a, ctx) => inferApply(ADADELTA_SIG, inputs, ctx),
  lowering: { kind: 'routine', routine: 'ApplyAdadelta' },
  grad: 'none',
  stateful: true,
  refInputs: ADADELTA_SIG.refs,
});

export function applyAdadelta(
  ref: Tensor,
  accum: Tensor,
  accumUpdate: Tensor,
  lr: Tensor,
  rho: Tensor,
  epsilon: Tensor,
  grad: Tensor,
  options: { useLocking?: boolean } = {},
  name?: string,
): Tensor {
  return makeOp(ApplyAdadelta, [ref, accum, accumUpdate, lr, rho, epsilon, grad], { use_locking: options.useLocking ?? false }, { name }).outputs[0];
}
