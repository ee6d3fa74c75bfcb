import type { Operation, Tensor } from '../../graph/ir/index.js';
import type { TensorLike } from '../../ops/builder.js';
import { applyAdadelta } from '../../ops/optimizer/apply_adadelta.js';
import { resourceApplyOf } from '../../ops/optimizer/resource_apply.js';
import type { Variable } from '../../ops/state/variable.js';
import { Optimizer } from './optimizer.js';

export interface AdadeltaOptions {
  rho?: TensorLike;
  epsilon?: TensorLike;
  useLocking?: boolean;
  name?: string;
}

/**
 * TF1's AdadeltaOptimizer(learning_rate=0.001, rho=0.95, epsilon=1e-8): one ApplyAdadelta per
 * variable (ResourceApplyAdadelta for a resource variable). Slots 'accum' (`<var>/Adadelta`) and
 * 'accum_update' (`<var>/Adadelta_1`), both zeros, named as TF names them so checkpoints carry over.
 */
export class AdadeltaOptimizer extends Optimizer {
  private readonly learningRate: TensorLike;
  private readonly rho: TensorLike;
  private readonly epsilon: TensorLike;
  private readonly useLocking: boolean;
  private hypers: { lr: Tensor; rho: Tensor; epsilon: Tensor } | null = null;

  constructor(learningRate: TensorLike = 0.001, options: AdadeltaOptions = {}) {
    super(options.name ?? 'Adadelta');
    this.learningRate = learningRate;
    this.rho = options.rho ?? 0.95;
    this.epsilon = options.epsilon ?? 1e-8;
    this.useLocking = options.useLocking ?? false;
  }

  protected override createSlots(vars: readonly Variable[]): void {
    for (const v of vars) {
      this.getOrMakeSlot(v, 'accum', 0);
      this.getOrMakeSlot(v, 'accum_update', 0);
    }
  }

  protected prepare(vars: readonly Variable[]): void {
    const g = vars[0].graph;
    this.hypers = { lr: this.hyper(this.learningRate, 'lr', g), rho: this.hyper(this.rho, 'rho', g), epsilon: this.hyper(this.epsilon, 'epsilon', g) };
  }

  protected applyDense(grad: Tensor, variable: Variable): Tensor | Operation {
    const h = this.hypers!;
    const accum = this.getSlot(variable, 'accum')!;
    const update = this.getSlot(variable, 'accum_update')!;
    if (variable.isResource) {
      return resourceApplyOf('ApplyAdadelta', [variable.ref, accum.ref, update.ref, h.lr, h.rho, h.epsilon, grad], { use_locking: this.useLocking });
    }
    return applyAdadelta(variable.ref, accum.ref, update.ref, h.lr, h.rho, h.epsilon, grad, { useLocking: this.useLocking });
  }
}
