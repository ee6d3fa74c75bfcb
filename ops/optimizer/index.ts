import { ApplyAdagrad } from './apply_adagrad.js';
import { ApplyAdam } from './apply_adam.js';
import { ApplyGradientDescent } from './apply_gradient_descent.js';
import { ApplyMomentum } from './apply_momentum.js';
import { ApplyRMSProp } from './apply_rms_prop.js';

import { RESOURCE_APPLY_OPS } from './resource_apply.js';

export const OPTIMIZER_OPS = [ApplyGradientDescent, ApplyMomentum, ApplyAdagrad, ApplyRMSProp, ApplyAdam, ...RESOURCE_APPLY_OPS];
