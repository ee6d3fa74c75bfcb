import type { Tensor } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { defineOp } from '../op_def.js';
import { ApplySignature, inferApply } from './apply_checks.js';

export type ApplyRMSPropAttrs = { use_locking: boolean };

export const RMS_PROP_SIG: ApplySignature = {
  names: ['var', 'ms', 'mom', 'lr', 'rho', 'momentum', 'epsilon', 'grad'],
  refs: [0, 1, 2],
  scalars: [3, 4, 5, 6],
};

/**
 * TF's ApplyRMSProp, one kernel: ms += (grad^2 - ms) * (1 - rho);
 * mom = mom * momentum + lr * grad / sqrt(ms + epsilon) (epsilon inside the root); var -= mom.
 */
export const ApplyRMSProp = defineOp<ApplyRMSPropAttrs>()({
  type: 'ApplyRMSProp',
  attrDefaults: { use_locking: false },
  infer: (inputs, _a, ctx) => inferApply(RMS_PROP_SIG, inputs, ctx),
  lowering: { kind: 'routine', routine: 'ApplyRMSProp' },
  grad: 'none',
  stateful: true,
  refInputs: RMS_PROP_SIG.refs,
});

export function applyRMSProp(
  ref: Tensor,
  ms: Tensor,
  mom: Tensor,
  lr: Tensor,
  rho: Tensor,
  momentum: Tensor,
  epsilon: Tensor,
  grad: Tensor,
  options: { useLocking?: boolean } = {},
  name?: string,
): Tensor {
  return makeOp(ApplyRMSProp, [ref, ms, mom, lr, rho, momentum, epsilon, grad], { use_locking: options.useLocking ?? false }, { name }).outputs[0];
}
