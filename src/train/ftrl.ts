import { InvalidArgumentError, type Operation, type Tensor } from '../../graph/ir/index.js';
import type { TensorLike } from '../../ops/builder.js';
import { applyFtrl, type FtrlHypers } from '../../ops/optimizer/apply_ftrl.js';
import { resourceApplyOf } from '../../ops/optimizer/resource_apply.js';
import type { Variable } from '../../ops/state/variable.js';
import { Optimizer } from './optimizer.js';

/** TF1's FtrlOptimizer arguments after learning_rate, camelCased. */
export interface FtrlOptions {
  learningRatePower?: number;
  initialAccumulatorValue?: number;
  l1RegularizationStrength?: number;
  l2RegularizationStrength?: number;
  /** Online L2 shrinkage (ApplyFtrlV2); 0 keeps ApplyFtrl. */
  l2ShrinkageRegularizationStrength?: number;
  /** Adds beta / (2 * learning_rate) to the L2 strength (TF1's `beta`); needs a numeric learning rate. */
  beta?: number;
  useLocking?: boolean;
  name?: string;
  /** Op names the slots are made under (default: the optimizer's name). */
  accumName?: string;
  linearName?: string;
}

// TF formats these with Python's %f
const f6 = (x: number): string => x.toFixed(6);

function check(ok: boolean, message: string): void {
  if (!ok) throw new InvalidArgumentError(message);
}

/**
 * TF1's FtrlOptimizer (FTRL-Proximal): one ApplyFtrl per variable, or ApplyFtrlV2 when
 * l2_shrinkage_regularization_strength > 0 (ResourceApplyFtrl / ResourceApplyFtrlV2 for a resource
 * variable). Slots 'accum' (`<var>/Ftrl`, filled with initialAccumulatorValue) and 'linear'
 * (`<var>/Ftrl_1`, zeros), as TF names them.
 */
export class FtrlOptimizer extends Optimizer {
  private readonly learningRate: TensorLike;
  private readonly power: number;
  private readonly initialAccumulatorValue: number;
  private readonly l1: number;
  private readonly l2: number;
  private readonly shrinkage: number;
  private readonly useLocking: boolean;
  private readonly accumName: string;
  private readonly linearName: string;
  private hypers: FtrlHypers | null = null;

  constructor(learningRate: TensorLike, options: FtrlOptions = {}) {
    super(options.name ?? 'Ftrl');
    const init = options.initialAccumulatorValue ?? 0.1;
    const power = options.learningRatePower ?? -0.5;
    const l1 = options.l1RegularizationStrength ?? 0;
    const l2 = options.l2RegularizationStrength ?? 0;
    const shrinkage = options.l2ShrinkageRegularizationStrength ?? 0;
    check(init >= 0, `initial_accumulator_value ${f6(init)} needs to be positive or zero`);
    check(power <= 0, `learning_rate_power ${f6(power)} needs to be negative or zero`);
    check(l1 >= 0, `l1_regularization_strength ${f6(l1)} needs to be positive or zero`);
    check(l2 >= 0, `l2_regularization_strength ${f6(l2)} needs to be positive or zero`);
    check(shrinkage >= 0, `l2_shrinkage_regularization_strength ${f6(shrinkage)} needs to be positive or zero`);
    let adjustedL2 = l2;
    if (options.beta !== undefined && options.beta !== 0) {
      check(typeof learningRate === 'number', 'FtrlOptimizer: beta needs a numeric learning_rate (it adds beta / (2 * learning_rate) to the L2 strength)');
      adjustedL2 += options.beta / (2 * (learningRate as number));
    }
    this.learningRate = learningRate;
    this.power = power;
    this.initialAccumulatorValue = init;
    this.l1 = l1;
    this.l2 = adjustedL2;
    this.shrinkage = shrinkage;
    this.useLocking = options.useLocking ?? false;
    this.accumName = options.accumName ?? this.name;
    this.linearName = options.linearName ?? this.name;
  }

  protected override createSlots(vars: readonly Variable[]): void {
    for (const v of vars) {
      this.getOrMakeSlot(v, 'accum', this.initialAccumulatorValue, this.accumName);
      this.getOrMakeSlot(v, 'linear', 0, this.linearName);
    }
  }

  protected prepare(vars: readonly Variable[]): void {
    const g = vars[0].graph;
    this.hypers = {
      lr: this.hyper(this.learningRate, 'learning_rate', g),
      l1: this.hyper(this.l1, 'l1_regularization_strength', g),
      l2: this.hyper(this.l2, 'adjusted_l2_regularization_strength', g),
      lrPower: this.hyper(this.power, 'learning_rate_power', g),
      ...(this.shrinkage > 0 ? { l2Shrinkage: this.hyper(this.shrinkage, 'l2_shrinkage_regularization_strength', g) } : {}),
    };
  }

  protected applyDense(grad: Tensor, variable: Variable): Tensor | Operation {
    const accum = this.getSlot(variable, 'accum')!;
    const linear = this.getSlot(variable, 'linear')!;
    if (variable.isResource) {
      const h = this.hypers!;
      const attrs = { use_locking: this.useLocking, multiply_linear_by_lr: false };
      if (h.l2Shrinkage) return resourceApplyOf('ApplyFtrlV2', [variable.ref, accum.ref, linear.ref, grad, h.lr, h.l1, h.l2, h.l2Shrinkage, h.lrPower], attrs);
      return resourceApplyOf('ApplyFtrl', [variable.ref, accum.ref, linear.ref, grad, h.lr, h.l1, h.l2, h.lrPower], attrs);
    }
    return applyFtrl(variable.ref, accum.ref, linear.ref, grad, this.hypers!, { useLocking: this.useLocking });
  }
}
