import type { Operation, Tensor } from '../../graph/ir/index.js';
import { InvalidArgumentError } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { defineOp, InputSpec, OpContext, OpDef, OutputSpec } from '../op_def.js';
import { ADADELTA_SIG } from './apply_adadelta.js';
import { ADAGRAD_SIG } from './apply_adagrad.js';
import { ADAM_SIG } from './apply_adam.js';
import { ApplySignature, inferApply } from './apply_checks.js';
import { FTRL_SIG, FTRL_V2_SIG } from './apply_ftrl.js';
import { GRADIENT_DESCENT_SIG } from './apply_gradient_descent.js';
import { MOMENTUM_SIG } from './apply_momentum.js';
import { RMS_PROP_SIG } from './apply_rms_prop.js';

/**
 * TF's ResourceApply* ops: the Apply* updates on resource variables. Inputs are the Apply* op's,
 * with var and its slots as resource handles (ref inputs, resolved to variables by the plan); no
 * output. The update rules and kernels are the Apply* ops' (runtime/cpu/kernels/optimizer.ts).
 */
function inferResourceApply(sig: ApplySignature, inputs: readonly InputSpec[], ctx: OpContext): OutputSpec[] {
  for (const r of sig.refs) {
    if (inputs[r].dtype !== 'resource') {
      throw new InvalidArgumentError(`Input '${sig.names[r]}' of '${ctx.opType}' Op has type ${inputs[r].dtype} that does not match expected type of resource.`);
    }
  }
  // the handles stand for variables of their static shape and of dtype T (the hyper-parameters')
  const T = inputs[sig.scalars[0]].dtype;
  const asValues = inputs.map((x, i) => (sig.refs.includes(i) ? { ...x, dtype: T } : x));
  inferApply(sig, asValues, ctx);
  return [];
}

type ResourceApplyType =
  | 'ResourceApplyGradientDescent' | 'ResourceApplyMomentum' | 'ResourceApplyAdagrad' | 'ResourceApplyRMSProp' | 'ResourceApplyAdam'
  | 'ResourceApplyAdadelta' | 'ResourceApplyFtrl' | 'ResourceApplyFtrlV2';

function resourceApply<const T extends ResourceApplyType>(type: T, sig: ApplySignature, attrDefaults: Record<string, boolean>) {
  return defineOp<Record<string, boolean>>()({
    type,
    attrDefaults,
    infer: (inputs, _attrs, ctx) => inferResourceApply(sig, inputs, ctx),
    lowering: { kind: 'routine', routine: type },
    grad: 'none',
    stateful: true,
    refInputs: sig.refs,
  });
}

export const ResourceApplyGradientDescent = resourceApply('ResourceApplyGradientDescent', GRADIENT_DESCENT_SIG, { use_locking: false });
export const ResourceApplyMomentum = resourceApply('ResourceApplyMomentum', MOMENTUM_SIG, { use_locking: false, use_nesterov: false });
export const ResourceApplyAdagrad = resourceApply('ResourceApplyAdagrad', ADAGRAD_SIG, { use_locking: false, update_slots: true });
export const ResourceApplyRMSProp = resourceApply('ResourceApplyRMSProp', RMS_PROP_SIG, { use_locking: false });
export const ResourceApplyAdam = resourceApply('ResourceApplyAdam', ADAM_SIG, { use_locking: false, use_nesterov: false });
export const ResourceApplyAdadelta = resourceApply('ResourceApplyAdadelta', ADADELTA_SIG, { use_locking: false });
export const ResourceApplyFtrl = resourceApply('ResourceApplyFtrl', FTRL_SIG, { use_locking: false, multiply_linear_by_lr: false });
export const ResourceApplyFtrlV2 = resourceApply('ResourceApplyFtrlV2', FTRL_V2_SIG, { use_locking: false, multiply_linear_by_lr: false });

export const RESOURCE_APPLY_OPS = [
  ResourceApplyGradientDescent, ResourceApplyMomentum, ResourceApplyAdagrad, ResourceApplyRMSProp, ResourceApplyAdam,
  ResourceApplyAdadelta, ResourceApplyFtrl, ResourceApplyFtrlV2,
] as const satisfies readonly OpDef[];

const BY_DENSE: Readonly<Record<string, OpDef>> = {
  ApplyGradientDescent: ResourceApplyGradientDescent,
  ApplyMomentum: ResourceApplyMomentum,
  ApplyAdagrad: ResourceApplyAdagrad,
  ApplyRMSProp: ResourceApplyRMSProp,
  ApplyAdam: ResourceApplyAdam,
  ApplyAdadelta: ResourceApplyAdadelta,
  ApplyFtrl: ResourceApplyFtrl,
  ApplyFtrlV2: ResourceApplyFtrlV2,
};

/**
 * The ResourceApply* form of a dense Apply* update: same inputs (the handles in the ref places),
 * same attrs; returns the op (it has no output).
 */
export function resourceApplyOf(denseType: string, inputs: readonly Tensor[], attrs: Readonly<Record<string, boolean>>, name?: string): Operation {
  const def = BY_DENSE[denseType];
  if (!def) throw new InvalidArgumentError(`No ResourceApply op for ${denseType}`);
  return makeOp(def, inputs, attrs, { name });
}
