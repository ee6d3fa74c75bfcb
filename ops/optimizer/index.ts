import type { OpDef, TypesOf } from '../op_def.js';
import { ApplyAdadelta } from './apply_adadelta.js';
import { ApplyAdagrad } from './apply_adagrad.js';
import { ApplyAdam } from './apply_adam.js';
import { ApplyFtrl, ApplyFtrlV2 } from './apply_ftrl.js';
import { ApplyGradientDescent } from './apply_gradient_descent.js';
import { ApplyMomentum } from './apply_momentum.js';
import { ApplyRMSProp } from './apply_rms_prop.js';

import { RESOURCE_APPLY_OPS } from './resource_apply.js';

export const OPTIMIZER_OPS = [ApplyGradientDescent, ApplyMomentum, ApplyAdagrad, ApplyRMSProp, ApplyAdam, ApplyAdadelta, ApplyFtrl, ApplyFtrlV2, ...RESOURCE_APPLY_OPS] as const satisfies readonly OpDef[];
export type OptimizerOpType = TypesOf<typeof OPTIMIZER_OPS>;
