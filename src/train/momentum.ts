import type { Operation, Tensor } from '../../graph/ir/index.js';
import { resourceApplyOf } from '../../ops/optimizer/resource_apply.js';
import type { TensorLike } from '../../ops/builder.js';
import { applyMomentum } from '../../ops/optimizer/apply_momentum.js';
import type { Variable } from '../../ops/state/variable.js';
import { Optimizer } from './optimizer.js';

export interface MomentumOptions {
  useNesterov?: boolean;
  useLocking?: boolean;
  name?: string;
}

/**
 * TF1's MomentumOptimizer: accum = momentum * accum + grad; var -= lr * accum (or the Nesterov
 * form), one ApplyMomentum per variable. Slot 'momentum', variable `<var>/Momentum`, zeros.
 */
export class MomentumOptimizer extends Optimizer {
  private readonly learningRate: TensorLike;
  private readonly momentum: TensorLike;
  private readonly options: MomentumOptions;
  private lr: Tensor | null = null;
  private mu: Tensor | null = null;

  constructor(learningRate: TensorLike, momentum: TensorLike, options: MomentumOptions = {}) {
    super(options.name ?? 'Momentum');
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.options = options;
  }

  protected override createSlots(vars: readonly Variable[]): void {
    for (const v of vars) this.getOrMakeSlot(v, 'momentum', 0);
  }

  protected prepare(vars: readonly Variable[]): void {
    this.lr = this.hyper(this.learningRate, 'learning_rate', vars[0].graph);
    this.mu = this.hyper(this.momentum, 'momentum', vars[0].graph);
  }

  protected applyDense(grad: Tensor, variable: Variable): Tensor | Operation {
    const accum = this.getSlot(variable, 'momentum')!;
    if (variable.isResource) {
      const attrs = { use_locking: this.options.useLocking ?? false, use_nesterov: this.options.useNesterov ?? false };
      return resourceApplyOf('ApplyMomentum', [variable.ref, accum.ref, this.lr!, grad, this.mu!], attrs);
    }
    return applyMomentum(variable.ref, accum.ref, this.lr!, grad, this.mu!, { useLocking: this.options.useLocking, useNesterov: this.options.useNesterov });
  }
}
