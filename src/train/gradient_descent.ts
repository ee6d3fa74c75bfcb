import type { Operation, Tensor } from '../../graph/ir/index.js';
import { resourceApplyOf } from '../../ops/optimizer/resource_apply.js';
import { toTensor, TensorLike } from '../../ops/builder.js';
import { applyGradientDescent } from '../../ops/optimizer/apply_gradient_descent.js';
import type { Variable } from '../../ops/state/variable.js';
import { Optimizer } from './optimizer.js';

/** Plain gradient descent: var -= learningRate * grad, one ApplyGradientDescent per variable. */
export class GradientDescentOptimizer extends Optimizer {
  private readonly learningRate: TensorLike;
  private lr: Tensor | null = null;

  constructor(learningRate: TensorLike, options: { name?: string } = {}) {
    super(options.name ?? 'GradientDescent');
    this.learningRate = learningRate;
  }

  protected prepare(vars: readonly Variable[]): void {
    this.lr = toTensor(this.learningRate, 'float32', vars[0].graph, 'learning_rate');
  }

  protected applyDense(grad: Tensor, variable: Variable): Tensor | Operation {
    if (variable.isResource) return resourceApplyOf('ApplyGradientDescent', [variable.ref, this.lr!, grad], { use_locking: false });
    return applyGradientDescent(variable.ref, this.lr!, grad);
  }
}
