import type { Tensor } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { defineOp } from '../op_def.js';
import { ApplySignature, inferApply } from './apply_checks.js';

export type ApplyAdagradAttrs = { use_locking: boolean; update_slots: boolean };

export const ADAGRAD_SIG: ApplySignature = { names: ['var', 'accum', 'lr', 'grad'], refs: [0, 1], scalars: [2] };

/**
 * TF's ApplyAdagrad, one kernel: accum += grad^2 (unless update_slots is false), then
 * var -= lr * grad / sqrt(accum). No epsilon: TF's kernel has none.
 */
export const ApplyAdagrad = defineOp<ApplyAdagradAttrs>()({
  type: 'ApplyAdagrad',
  attrDefaults: { use_locking: false, update_slots: true },
  infer: (inputs, _a, ctx) => inferApply(ADAGRAD_SIG, inputs, ctx),
  lowering: { kind: 'routine', routine: 'ApplyAdagrad' },
  grad: 'none',
  stateful: true,
  refInputs: ADAGRAD_SIG.refs,
});

export function applyAdagrad(
  ref: Tensor,
  accum: Tensor,
  lr: Tensor,
  grad: Tensor,
  options: { useLocking?: boolean; updateSlots?: boolean } = {},
  name?: string,
): Tensor {
  const attrs = { use_locking: options.useLocking ?? false, update_slots: options.updateSlots ?? true };
  return makeOp(ApplyAdagrad, [ref, accum, lr, grad], attrs, { name }).outputs[0];
}
