import type { Tensor } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { defineOp } from '../op_def.js';
import { ApplySignature, inferApply } from './apply_checks.js';

export type ApplyMomentumAttrs = { use_locking: boolean; use_nesterov: boolean };

export const MOMENTUM_SIG: ApplySignature = { names: ['var', 'accum', 'lr', 'grad', 'momentum'], refs: [0, 1], scalars: [2, 4] };

/**
 * TF's ApplyMomentum, one kernel: accum = accum * momentum + grad, then
 * var -= lr * accum, or with use_nesterov var -= lr * grad + lr * momentum * accum.
 */
export const ApplyMomentum = defineOp<ApplyMomentumAttrs>()({
  type: 'ApplyMomentum',
  attrDefaults: { use_locking: false, use_nesterov: false },
  infer: (inputs, _a, ctx) => inferApply(MOMENTUM_SIG, inputs, ctx),
  lowering: { kind: 'routine', routine: 'ApplyMomentum' },
  grad: 'none',
  stateful: true,
  refInputs: MOMENTUM_SIG.refs,
});

export function applyMomentum(
  ref: Tensor,
  accum: Tensor,
  lr: Tensor,
  grad: Tensor,
  momentum: Tensor,
  options: { useLocking?: boolean; useNesterov?: boolean } = {},
  name?: string,
): Tensor {
  const attrs = { use_locking: options.useLocking ?? false, use_nesterov: options.useNesterov ?? false };
  return makeOp(ApplyMomentum, [ref, accum, lr, grad, momentum], attrs, { name }).outputs[0];
}
