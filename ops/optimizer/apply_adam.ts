import type { Tensor } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { defineOp } from '../op_def.js';
import { ApplySignature, inferApply } from './apply_checks.js';

export type ApplyAdamAttrs = { use_locking: boolean; use_nesterov: boolean };

export const ADAM_SIG: ApplySignature = {
  names: ['var', 'm', 'v', 'beta1_power', 'beta2_power', 'lr', 'beta1', 'beta2', 'epsilon', 'grad'],
  refs: [0, 1, 2],
  scalars: [3, 4, 5, 6, 7, 8],
};

/**
 * TF's ApplyAdam, one kernel: lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power);
 * m += (grad - m) * (1 - beta1); v += (grad^2 - v) * (1 - beta2);
 * var -= lr_t * m / (sqrt(v) + epsilon), or with use_nesterov
 * var -= lr_t * (beta1 * m + (1 - beta1) * grad) / (sqrt(v) + epsilon).
 * Epsilon is added outside the root and to the uncorrected v ("epsilon hat" in Kingma & Ba).
 */
export const ApplyAdam = defineOp<ApplyAdamAttrs>()({
  type: 'ApplyAdam',
  attrDefaults: { use_locking: false, use_nesterov: false },
  infer: (inputs, _a, ctx) => inferApply(ADAM_SIG, inputs, ctx),
  lowering: { kind: 'routine', routine: 'ApplyAdam' },
  grad: 'none',
  stateful: true,
  refInputs: ADAM_SIG.refs,
});

export function applyAdam(
  ref: Tensor,
  m: Tensor,
  v: Tensor,
  beta1Power: Tensor,
  beta2Power: Tensor,
  lr: Tensor,
  beta1: Tensor,
  beta2: Tensor,
  epsilon: Tensor,
  grad: Tensor,
  options: { useLocking?: boolean; useNesterov?: boolean } = {},
  name?: string,
): Tensor {
  const attrs = { use_locking: options.useLocking ?? false, use_nesterov: options.useNesterov ?? false };
  return makeOp(ApplyAdam, [ref, m, v, beta1Power, beta2Power, lr, beta1, beta2, epsilon, grad], attrs, { name }).outputs[0];
}
