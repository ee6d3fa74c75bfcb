import { Graph, GraphKeys, InvalidArgumentError, NDArray, Operation, Tensor } from '../../graph/ir/index.js';
import { toTensor } from '../../ops/builder.js';
import { group } from '../../ops/control/control.js';
import { cast } from '../../ops/array/cast.js';
import { add, div, minimum, mul, sub } from '../../ops/elementwise/math_binary.js';
import { Variable } from '../../ops/state/variable.js';

const MOVING_AVERAGE_VARIABLES = 'moving_average_variables';

/**
 * TF1's tf.train.ExponentialMovingAverage. `apply(vars)` makes one shadow variable per variable
 * (`<var>/ExponentialMovingAverage`, starting at the variable's initial value, not trainable) and
 * returns the op that moves each shadow: shadow -= (1 - decay) * (shadow - var). With `numUpdates`
 * the decay is min(decay, (1 + numUpdates) / (10 + numUpdates)), so early averages follow faster.
 */
export class ExponentialMovingAverage {
  readonly name: string;
  private readonly shadows = new Map<Variable, Variable>();

  constructor(readonly decay: number, private readonly options: { numUpdates?: Tensor | Variable; name?: string } = {}) {
    this.name = options.name ?? 'ExponentialMovingAverage';
  }

  apply(varList: readonly Variable[], name?: string): Operation {
    if (varList.length === 0) throw new InvalidArgumentError('ExponentialMovingAverage.apply: no variables given');
    const graph = varList[0].graph;
    for (const v of varList) {
      if (v.dtype !== 'float32') throw new InvalidArgumentError(`ExponentialMovingAverage.apply: variable ${v.name} must be float32, not ${v.dtype}`);
      if (this.shadows.has(v)) throw new InvalidArgumentError(`ExponentialMovingAverage.apply: variable ${v.name} already has a moving average`);
      this.shadows.set(v, this.makeShadow(graph, v));
      graph.addToCollection(MOVING_AVERAGE_VARIABLES, v);
    }
    return graph.asDefault(() => graph.nameScope(name ?? this.name, (scope) => {
      const decay = this.decayTensor(graph);
      const rate = sub(1, decay, 'sub');
      const updates = varList.map((v) => {
        const shadow = this.shadows.get(v)!;
        return graph.nameScope(v.op.name, () => shadow.assignSub(mul(sub(shadow.value(), v.value()), rate), 'AssignMovingAvg'));
      });
      return group(updates, scope);
    }));
  }

  /** The shadow variable of `v`, or null before `apply`. */
  average(v: Variable): Variable | null {
    return this.shadows.get(v) ?? null;
  }

  /** The name the shadow of `v` is saved under: '<var>/ExponentialMovingAverage'. */
  averageName(v: Variable): string {
    return `${v.op.name}/${this.name}`;
  }

  /**
   * Saver varList for evaluation with the averages (TF's variables_to_restore): the shadow's
   * checkpoint name maps to the variable itself, other variables keep their own names.
   */
  variablesToRestore(vars: readonly Variable[] = []): Record<string, Variable> {
    const out: Record<string, Variable> = Object.create(null) as Record<string, Variable>;
    for (const v of vars) out[v.op.name] = v;
    for (const v of this.shadows.keys()) {
      delete out[v.op.name];
      out[this.averageName(v)] = v;
    }
    return out;
  }

  private makeShadow(graph: Graph, v: Variable): Variable {
    // like TF's init_scope: outside any control dependencies, at the root name scope
    return graph.asDefault(() => graph.nameScope(null, () => graph.controlDependencies(null, () =>
      new Variable(v.initialValue, { name: this.averageName(v), trainable: false, dtype: 'float32', collections: [GraphKeys.GLOBAL_VARIABLES] }),
    )));
  }

  private decayTensor(graph: Graph): Tensor {
    const decay = toTensor(NDArray.scalar(this.decay, 'float32'), 'float32', graph, 'decay');
    const n = this.options.numUpdates;
    if (n === undefined) return decay;
    const steps = cast(n instanceof Variable ? n.value() : n, 'float32');
    return minimum(decay, div(add(1, steps), add(10, steps)));
  }
}
