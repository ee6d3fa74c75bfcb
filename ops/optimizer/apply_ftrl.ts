import type { Tensor } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { defineOp } from '../op_def.js';
import { ApplySignature, inferApply } from './apply_checks.js';

export type ApplyFtrlAttrs = { use_locking: boolean; multiply_linear_by_lr: boolean };

export const FTRL_SIG: ApplySignature = {
  names: ['var', 'accum', 'linear', 'grad', 'lr', 'l1', 'l2', 'lr_power'],
  refs: [0, 1, 2],
  scalars: [4, 5, 6, 7],
};

export const FTRL_V2_SIG: ApplySignature = {
  names: ['var', 'accum', 'linear', 'grad', 'lr', 'l1', 'l2', 'l2_shrinkage', 'lr_power'],
  refs: [0, 1, 2],
  scalars: [4, 5, 6, 7, 8],
};

const FTRL_DEFAULTS: ApplyFtrlAttrs = { use_locking: false, multiply_linear_by_lr: false };

/**
 * TF's ApplyFtrl (FTRL-Proximal), one kernel, with p = -lr_power:
 * accum_new = accum + grad^2;
 * linear += grad - (accum_new^p - accum^p) / lr * var;
 * quadratic = accum_new^p / lr + 2 * l2;
 * var = |linear| > l1 ? (sign(linear) * l1 - linear) / quadratic : 0; accum = accum_new.
 * With multiply_linear_by_lr, linear holds lr times TF's linear (the same update scaled by lr).
 */
export const ApplyFtrl = defineOp<ApplyFtrlAttrs>()({
  type: 'ApplyFtrl',
  attrDefaults: FTRL_DEFAULTS,
  infer: (inputs, _a, ctx) => inferApply(FTRL_SIG, inputs, ctx),
  lowering: { kind: 'routine', routine: 'ApplyFtrl' },
  grad: 'none',
  stateful: true,
  refInputs: FTRL_SIG.refs,
});

/**
 * TF's ApplyFtrlV2: ApplyFtrl with online L2 shrinkage. The linear term takes
 * grad + 2 * l2_shrinkage * var, while accum still sums the plain grad^2.
 */
export const ApplyFtrlV2 = defineOp<ApplyFtrlAttrs>()({
  type: 'ApplyFtrlV2',
  attrDefaults: FTRL_DEFAULTS,
  infer: (inputs, _a, ctx) => inferApply(FTRL_V2_SIG, inputs, ctx),
  lowering: { kind: 'routine', routine: 'ApplyFtrlV2' },
  grad: 'none',
  stateful: true,
  refInputs: FTRL_V2_SIG.refs,
});

export interface FtrlHypers {
  lr: Tensor;
  l1: Tensor;
  l2: Tensor;
  lrPower: Tensor;
  /** Present: ApplyFtrlV2. */
  l2Shrinkage?: Tensor;
}

export function applyFtrl(
  ref: Tensor,
  accum: Tensor,
  linear: Tensor,
  grad: Tensor,
  h: FtrlHypers,
  options: { useLocking?: boolean; multiplyLinearByLr?: boolean } = {},
  name?: string,
): Tensor {
  const attrs = { use_locking: options.useLocking ?? false, multiply_linear_by_lr: options.multiplyLinearByLr ?? false };
  if (h.l2Shrinkage) return makeOp(ApplyFtrlV2, [ref, accum, linear, grad, h.lr, h.l1, h.l2, h.l2Shrinkage, h.lrPower], attrs, { name }).outputs[0];
  return makeOp(ApplyFtrl, [ref, accum, linear, grad, h.lr, h.l1, h.l2, h.lrPower], attrs, { name }).outputs[0];
}
