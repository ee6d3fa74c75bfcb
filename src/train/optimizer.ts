import {
  Graph,
  GraphKeys,
  InvalidArgumentError,
  Operation,
  Tensor,
} from '../../graph/ir/index.js';
import { gradients } from '../../graph/autodiff/gradients.js';
import { toTensor, TensorLike } from '../../ops/builder.js';
import { group } from '../../ops/control/control.js';
import { Variable, trainableVariables } from '../../ops/state/variable.js';
import { createSlot } from './slot_creator.js';

export type GradAndVar = [Tensor | null, Variable];

export interface MinimizeOptions {
  varList?: readonly Variable[];
  globalStep?: Variable;
  name?: string;
}

/**
 * TF1's Optimizer: computeGradients builds the backward graph, applyGradients creates the slot
 * variables and adds one fused apply op per variable (plus a global-step increment after them),
 * minimize does both.
 */
export abstract class Optimizer {
  readonly name: string;
  /** slot name ('momentum', 'm', ...) -> primary variable -> slot variable */
  private readonly slots = new Map<string, Map<Variable, Variable>>();
  /** Variables shared by all updates (Adam's beta powers), one set per graph. */
  private readonly nonSlots = new Map<Graph, Map<string, Variable>>();

  protected constructor(name: string) {
    this.name = name;
  }

  /** TF's get_slot: the slot `name` of `variable` (e.g. 'momentum', 'm', 'v'), or null. */
  getSlot(variable: Variable, name: string): Variable | null {
    return this.slots.get(name)?.get(variable) ?? null;
  }

  /** TF's get_slot_names, sorted. */
  getSlotNames(): string[] {
    return [...this.slots.keys()].sort();
  }

  /** Every variable this optimizer created: non-slot variables first, then slots. */
  variables(): Variable[] {
    const out: Variable[] = [];
    for (const byName of this.nonSlots.values()) out.push(...byName.values());
    for (const byVar of this.slots.values()) out.push(...byVar.values());
    return out;
  }

  /**
   * A non-scalar loss is differentiated as its sum, as in TF1 (`tf.gradients` seeds every element
   * with 1), so `minimize(perExampleLoss)` trains on the summed loss.
   */
  computeGradients(loss: Tensor, options: { varList?: readonly Variable[] } = {}): GradAndVar[] {
    if (loss.dtype !== 'float32') throw new InvalidArgumentError(`Loss '${loss.name}' must be float32, not ${loss.dtype}`);
    const vars = options.varList ?? trainableVariables(loss.graph);
    if (vars.length === 0) throw new InvalidArgumentError('No variables to optimize.');
    const grads = gradients(loss, vars);
    return vars.map((v, i) => [grads[i], v]);
  }

  applyGradients(gradsAndVars: readonly GradAndVar[], options: { globalStep?: Variable; name?: string } = {}): Operation {
    const usable = gradsAndVars.filter(([g, v]) => {
      if (g === null) console.warn(`tensorgraph: variable ${v.op.name} has no gradient path to the loss; it is left unchanged.`);
      return g !== null;
    }) as [Tensor, Variable][];
    if (usable.length === 0) {
      throw new InvalidArgumentError(`No gradients provided for any variable, check your graph for ops that do not support gradients, between variables [${gradsAndVars.map(([, v]) => `"${v.name}"`).join(', ')}] and loss.`);
    }
    const graph = usable[0][1].graph;
    // like TF's init_scope: slots are created outside control-dependency scopes
    graph.asDefault(() => graph.controlDependencies(null, () => this.createSlots(usable.map(([, v]) => v))));
    return graph.nameScope(options.name ?? this.name, (scope) => {
      this.prepare(usable.map(([, v]) => v));
      const updates = usable.map(([g, v]) => graph.nameScope(`update_${v.op.name}`, () => this.applyDense(g, v)));
      const finish = this.finish(updates);
      if (options.globalStep) {
        const step = options.globalStep;
        return graph.controlDependencies([finish], () => {
          const inc = step.assignAdd(1, 'global_step_increment');
          return group([inc], scope);
        });
      }
      return group([finish], scope);
    });
  }

  minimize(loss: Tensor, options: MinimizeOptions = {}): Operation {
    const gv = this.computeGradients(loss, { varList: options.varList });
    const op = this.applyGradients(gv, { globalStep: options.globalStep, name: options.name });
    loss.graph.addToCollection(GraphKeys.TRAIN_OP, op);
    return op;
  }

  /** Creates the slot and non-slot variables the updates need (before the optimizer's scope). */
  protected createSlots(_vars: readonly Variable[]): void {}

  /** The slot `slotName` of `variable`, made on first use as `<var>/<opName>` filled with `initial`. */
  protected getOrMakeSlot(variable: Variable, slotName: string, initial: number, opName: string = this.name): Variable {
    let byVar = this.slots.get(slotName);
    if (!byVar) this.slots.set(slotName, (byVar = new Map()));
    let slot = byVar.get(variable);
    if (!slot) byVar.set(variable, (slot = createSlot(variable, initial, opName)));
    return slot;
  }

  /**
   * A non-trainable variable shared by all updates in the graph (TF's _create_non_slot_variable),
   * placed on the device of `colocateWith`.
   */
  protected getOrMakeNonSlot(colocateWith: Variable, name: string, initial: TensorLike): Variable {
    const graph = colocateWith.graph;
    let byName = this.nonSlots.get(graph);
    if (!byName) this.nonSlots.set(graph, (byName = new Map()));
    let v = byName.get(name);
    if (!v) {
      const make = () => new Variable(initial, { name, trainable: false, dtype: 'float32', useResource: colocateWith.isResource });
      const device = colocateWith.op.device;
      v = graph.asDefault(() => (device ? graph.device(device, make) : make()));
      byName.set(name, v);
    }
    return v;
  }

  /** The non-slot variable `name` of `graph`, once created. */
  protected nonSlot(graph: Graph, name: string): Variable {
    const v = this.nonSlots.get(graph)?.get(name);
    if (!v) throw new InvalidArgumentError(`${this.name}: no variable '${name}' was created for this graph`);
    return v;
  }

  /** A float hyper-parameter as a tensor (a Const named `name` unless it already is a tensor). */
  protected hyper(value: TensorLike, name: string, graph: Graph): Tensor {
    return toTensor(value, 'float32', graph, name);
  }

  /** Creates tensors shared by all updates (learning rate, ...). */
  protected abstract prepare(vars: readonly Variable[]): void;
  /** The update of one variable. */
  protected abstract applyDense(grad: Tensor, variable: Variable): Tensor | Operation;
  /** Ops that must run after all updates (e.g. Adam's beta-power updates). */
  protected finish(updates: readonly (Tensor | Operation)[]): Operation {
    return group(updates, 'update');
  }
}
