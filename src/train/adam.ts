import { Operation, Tensor } from '../../graph/ir/index.js';
import type { TensorLike } from '../../ops/builder.js';
import { group } from '../../ops/control/control.js';
import { mul } from '../../ops/elementwise/math_binary.js';
import { applyAdam } from '../../ops/optimizer/apply_adam.js';
import { resourceApplyOf } from '../../ops/optimizer/resource_apply.js';
import type { Variable } from '../../ops/state/variable.js';
import { Optimizer } from './optimizer.js';

export interface AdamOptions {
  learningRate?: TensorLike;
  beta1?: number;
  beta2?: number;
  epsilon?: TensorLike;
  useLocking?: boolean;
  name?: string;
}

/**
 * TF1's AdamOptimizer: one ApplyAdam per variable (slots 'm' = `<var>/Adam` and 'v' =
 * `<var>/Adam_1`, zeros), with the bias corrections carried by the non-trainable variables
 * `beta1_power` and `beta2_power` (created once per graph, starting at beta1 and beta2), which
 * `finish` multiplies by beta1 and beta2 after every ApplyAdam has run.
 */
export class AdamOptimizer extends Optimizer {
  private readonly learningRate: TensorLike;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: TensorLike;
  private readonly useLocking: boolean;
  private hypers: { lr: Tensor; beta1: Tensor; beta2: Tensor; epsilon: Tensor; b1p: Variable; b2p: Variable } | null = null;

  /** `new AdamOptimizer({ learningRate: 0.01 })`, or the learning rate first: `new AdamOptimizer(0.01, { beta1: 0.8 })`. */
  constructor(learningRateOrOptions: TensorLike | AdamOptions = {}, options: Omit<AdamOptions, 'learningRate'> = {}) {
    const opts: AdamOptions = isAdamOptions(learningRateOrOptions) ? learningRateOrOptions : { ...options, learningRate: learningRateOrOptions };
    super(opts.name ?? 'Adam');
    this.learningRate = opts.learningRate ?? 0.001;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.useLocking = opts.useLocking ?? false;
  }

  protected override createSlots(vars: readonly Variable[]): void {
    // TF colocates the beta powers with the variable whose name sorts first
    const first = vars.reduce((a, b) => (b.name < a.name ? b : a));
    this.getOrMakeNonSlot(first, 'beta1_power', this.beta1);
    this.getOrMakeNonSlot(first, 'beta2_power', this.beta2);
    for (const v of vars) {
      this.getOrMakeSlot(v, 'm', 0);
      this.getOrMakeSlot(v, 'v', 0);
    }
  }

  protected prepare(vars: readonly Variable[]): void {
    const g = vars[0].graph;
    this.hypers = {
      lr: this.hyper(this.learningRate, 'learning_rate', g),
      beta1: this.hyper(this.beta1, 'beta1', g),
      beta2: this.hyper(this.beta2, 'beta2', g),
      epsilon: this.hyper(this.epsilon, 'epsilon', g),
      b1p: this.nonSlot(g, 'beta1_power'),
      b2p: this.nonSlot(g, 'beta2_power'),
    };
  }

  protected applyDense(grad: Tensor, variable: Variable): Tensor | Operation {
    const h = this.hypers!;
    const m = this.getSlot(variable, 'm')!;
    const v = this.getSlot(variable, 'v')!;
    if (variable.isResource) {
      const inputs = [variable.ref, m.ref, v.ref, h.b1p.value(), h.b2p.value(), h.lr, h.beta1, h.beta2, h.epsilon, grad];
      return resourceApplyOf('ApplyAdam', inputs, { use_locking: this.useLocking, use_nesterov: false });
    }
    return applyAdam(variable.ref, m.ref, v.ref, h.b1p.value(), h.b2p.value(), h.lr, h.beta1, h.beta2, h.epsilon, grad, { useLocking: this.useLocking });
  }

  /** The beta powers advance once per step, after all ApplyAdam ops (control dependencies). */
  protected override finish(updates: readonly (Tensor | Operation)[]): Operation {
    const h = this.hypers!;
    const graph = h.b1p.graph;
    const ops = updates.map((u) => (u instanceof Operation ? u : u.op));
    const [u1, u2] = graph.controlDependencies(ops, () => [
      h.b1p.assign(mul(h.b1p, h.beta1)),
      h.b2p.assign(mul(h.b2p, h.beta2)),
    ]);
    return group([...updates, u1, u2], 'update');
  }
}

function isAdamOptions(x: unknown): x is AdamOptions {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof Tensor) && !('toTensor' in x) && !('dtype' in x);
}
