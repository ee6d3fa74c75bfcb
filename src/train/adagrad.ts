import { InvalidArgumentError, Operation, Tensor } from '../../graph/ir/index.js';
import { resourceApplyOf } from '../../ops/optimizer/resource_apply.js';
import type { TensorLike } from '../../ops/builder.js';
import { applyAdagrad } from '../../ops/optimizer/apply_adagrad.js';
import type { Variable } from '../../ops/state/variable.js';
import { Optimizer } from './optimizer.js';

export interface AdagradOptions {
  initialAccumulatorValue?: number;
  useLocking?: boolean;
  name?: string;
}

/**
 * TF1's AdagradOptimizer: accum += grad^2; var -= lr * grad / sqrt(accum), one ApplyAdagrad per
 * variable. Slot 'accumulator', variable `<var>/Adagrad`, filled with initialAccumulatorValue.
 */
export class AdagradOptimizer extends Optimizer {
  private readonly learningRate: TensorLike;
  private readonly initialAccumulatorValue: number;
  private readonly useLocking: boolean;
  private lr: Tensor | null = null;

  constructor(learningRate: TensorLike, options: AdagradOptions = {}) {
    super(options.name ?? 'Adagrad');
    const init = options.initialAccumulatorValue ?? 0.1;
    if (!(init > 0)) throw new InvalidArgumentError(`initial_accumulator_value must be positive: ${init}`);
    this.learningRate = learningRate;
    this.initialAccumulatorValue = init;
    this.useLocking = options.useLocking ?? false;
  }

  protected override createSlots(vars: readonly Variable[]): void {
    for (const v of vars) this.getOrMakeSlot(v, 'accumulator', this.initialAccumulatorValue);
  }

  protected prepare(vars: readonly Variable[]): void {
    this.lr = this.hyper(this.learningRate, 'learning_rate', vars[0].graph);
  }

  protected applyDense(grad: Tensor, variable: Variable): Tensor | Operation {
    const accum = this.getSlot(variable, 'accumulator')!;
    if (variable.isResource) return resourceApplyOf('ApplyAdagrad', [variable.ref, accum.ref, this.lr!, grad], { use_locking: this.useLocking, update_slots: true });
    return applyAdagrad(variable.ref, accum.ref, this.lr!, grad, { useLocking: this.useLocking });
  }
}
