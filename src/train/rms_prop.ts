import type { Operation, Tensor } from '../../graph/ir/index.js';
import { resourceApplyOf } from '../../ops/optimizer/resource_apply.js';
import type { TensorLike } from '../../ops/builder.js';
import { applyRMSProp } from '../../ops/optimizer/apply_rms_prop.js';
import type { Variable } from '../../ops/state/variable.js';
import { Optimizer } from './optimizer.js';

export interface RMSPropOptions {
  decay?: TensorLike;
  momentum?: TensorLike;
  epsilon?: TensorLike;
  useLocking?: boolean;
  name?: string;
}

/**
 * TF1's RMSPropOptimizer (uncentered): ms = decay * ms + (1 - decay) * grad^2;
 * mom = momentum * mom + lr * grad / sqrt(ms + epsilon); var -= mom, one ApplyRMSProp per
 * variable. Slots 'rms' (`<var>/RMSProp`, initialized to ones as in TF1) and 'momentum'
 * (`<var>/RMSProp_1`, zeros).
 */
export class RMSPropOptimizer extends Optimizer {
  private readonly learningRate: TensorLike;
  private readonly decay: TensorLike;
  private readonly momentum: TensorLike;
  private readonly epsilon: TensorLike;
  private readonly useLocking: boolean;
  private hypers: { lr: Tensor; decay: Tensor; momentum: Tensor; epsilon: Tensor } | null = null;

  constructor(learningRate: TensorLike, options: RMSPropOptions = {}) {
    super(options.name ?? 'RMSProp');
    this.learningRate = learningRate;
    this.decay = options.decay ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-10;
    this.useLocking = options.useLocking ?? false;
  }

  protected override createSlots(vars: readonly Variable[]): void {
    for (const v of vars) {
      this.getOrMakeSlot(v, 'rms', 1);
      this.getOrMakeSlot(v, 'momentum', 0);
    }
  }

  protected prepare(vars: readonly Variable[]): void {
    const g = vars[0].graph;
    this.hypers = {
      lr: this.hyper(this.learningRate, 'learning_rate', g),
      decay: this.hyper(this.decay, 'decay', g),
      momentum: this.hyper(this.momentum, 'momentum', g),
      epsilon: this.hyper(this.epsilon, 'epsilon', g),
    };
  }

  protected applyDense(grad: Tensor, variable: Variable): Tensor | Operation {
    const h = this.hypers!;
    const rms = this.getSlot(variable, 'rms')!;
    const mom = this.getSlot(variable, 'momentum')!;
    if (variable.isResource) {
      return resourceApplyOf('ApplyRMSProp', [variable.ref, rms.ref, mom.ref, h.lr, h.decay, h.momentum, h.epsilon, grad], { use_locking: this.useLocking });
    }
    return applyRMSProp(variable.ref, rms.ref, mom.ref, h.lr, h.decay, h.momentum, h.epsilon, grad, { useLocking: this.useLocking });
  }
}
