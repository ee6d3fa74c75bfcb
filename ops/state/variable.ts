import {
  AttrMap,
  DType,
  getDefaultGraph,
  Graph,
  GraphKeys,
  InvalidArgumentError,
  Operation,
  PartialShape,
  Tensor,
} from '../../graph/ir/index.js';
import { makeOp, TensorConvertible, TensorLike, toTensor } from '../builder.js';
import { Identity, NoOp } from '../control/control.js';
import type { OpDef } from '../op_def.js';
import { AssignAddVariableOp, AssignSubVariableOp, AssignVariableOp, ReadVariableOp, VarHandleOp } from './resource_ops.js';
import { Assign, AssignAdd, AssignSub, VariableV2 } from './variable_ops.js';

/** A ReadVariableOp of `handle` (the variable's value when it runs). */
export function readVariableOp(handle: Tensor, dtype: DType, name?: string): Tensor {
  return makeOp(ReadVariableOp, [handle], { dtype }, { name }).outputs[0];
}

export interface VariableOptions {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
  /** Collections to add the variable to (default: GLOBAL_VARIABLES, plus TRAINABLE_VARIABLES). */
  collections?: readonly string[];
  /** When false, the variable's static shape is unknown and assignments may change it. */
  validateShape?: boolean;
  /**
   * TF's use_resource=True: the variable is a VarHandleOp `W` whose handle names it, initialized
   * by `W/Assign` (AssignVariableOp) and read by `W/Read/ReadVariableOp`; optimizers update it
   * with ResourceApply* ops. Default false: a TF1 ref variable (VariableV2).
   */
  useResource?: boolean;
}

/**
 * TF1's tf.Variable: a VariableV2 op `W`, its initializer `W/Assign` from an initial value built
 * under `W/`, and the read `W/read` that uses of the variable go through.
 */
export class Variable implements TensorConvertible {
  readonly op: Operation;
  readonly initializer: Operation;
  readonly initialValue: Tensor;
  readonly trainable: boolean;
  private readonly snapshot: Tensor;

  constructor(initialValue: TensorLike | (() => TensorLike), options: VariableOptions = {}) {
    const graph = getDefaultGraph();
    const trainable = options.trainable ?? true;
    const validate = options.validateShape ?? true;
    let op!: Operation;
    let init!: Tensor;
    let assign!: Operation;
    let snapshot!: Tensor;
    graph.nameScope(options.name ?? 'Variable', (scope) => {
      init = graph.nameScope('initial_value', () =>
        toTensor(typeof initialValue === 'function' ? initialValue() : initialValue, options.dtype, graph, 'initial_value'),
      );
      if (options.dtype && init.dtype !== options.dtype) {
        throw new InvalidArgumentError(`Variable '${scope.slice(0, -1)}': initial value has dtype ${init.dtype}, expected ${options.dtype}`);
      }
      const shape: PartialShape = validate ? init.shape : null;
      const name = scope.slice(0, -1);
      // the variable op itself is created outside any control-dependency scope, as in TF
      if (options.useResource) {
        const attrs = { shape, dtype: init.dtype, container: '', shared_name: name, allowed_devices: [] };
        op = graph.controlDependencies(null, () => makeOp(VarHandleOp, [], attrs, { name: scope, graph }));
        assign = makeOp(AssignVariableOp, [op.outputs[0], init], { dtype: init.dtype, validate_shape: validate }, { name: 'Assign', graph });
        snapshot = graph.nameScope('Read', () => readVariableOp(op.outputs[0], init.dtype));
      } else {
        op = graph.controlDependencies(null, () => makeOp(VariableV2, [], { shape, dtype: init.dtype, container: '', shared_name: '' }, { name: scope, graph }));
        assign = makeOp(Assign, [op.outputs[0], init], { validate_shape: validate, use_locking: true }, { name: 'Assign', graph });
        snapshot = makeOp(Identity, [op.outputs[0]], {}, { name: 'read', graph }).outputs[0];
      }
    });
    this.op = op;
    this.initialValue = init;
    this.initializer = assign;
    this.snapshot = snapshot;
    this.trainable = trainable;
    const cols = options.collections ?? [GraphKeys.GLOBAL_VARIABLES];
    for (const c of cols) graph.addToCollection(c, this);
    if (trainable && !cols.includes(GraphKeys.TRAINABLE_VARIABLES)) graph.addToCollection(GraphKeys.TRAINABLE_VARIABLES, this);
  }

  /**
   * A Variable over ops that already exist in a graph (an imported MetaGraphDef's VariableDef, as
   * TF's `Variable(variable_def=...)`); nothing is created and no collection is touched.
   */
  static fromOps(parts: { op: Operation; initializer: Operation; snapshot: Tensor; initialValue: Tensor; trainable: boolean }): Variable {
    const v = Object.create(Variable.prototype) as Variable;
    Object.assign(v, parts);
    return v;
  }

  /** The variable's name as TF prints it: 'W:0'. */
  get name(): string {
    return this.op.outputs[0].name;
  }

  get dtype(): DType {
    return this.snapshot.dtype;
  }

  /** True for a resource variable (TF's use_resource=True): `ref` is then its handle. */
  get isResource(): boolean {
    return this.op.type === 'VarHandleOp';
  }

  get shape(): PartialShape {
    return this.op.outputs[0].shape;
  }

  get graph(): Graph {
    return this.op.graph;
  }

  /** The ref output of the VariableV2 op, or the handle of a resource variable (what Assign and Apply ops take). */
  get ref(): Tensor {
    return this.op.outputs[0];
  }

  /** The value of the variable (its `W/read` identity). */
  value(): Tensor {
    return this.snapshot;
  }

  read(): Tensor {
    return this.snapshot;
  }

  /**
   * A fresh read under the current control dependencies (TF's `read_value()`): a read ordered after
   * a write through control dependencies sees that write in the same run.
   */
  readValue(name?: string): Tensor {
    if (this.isResource) return readVariableOp(this.ref, this.dtype, name ?? `${this.op.name}/read_value`);
    return makeOp(Identity, [this.ref], {}, { name: name ?? `${this.op.name}/read_value` }).outputs[0];
  }

  toTensor(): Tensor {
    return this.snapshot;
  }

  assign(value: TensorLike, name?: string): Tensor {
    if (this.isResource) return this.resourceUpdate(AssignVariableOp, value, name, { validate_shape: false });
    return makeOp(Assign, [this.ref, toTensor(value, this.dtype, this.graph)], { validate_shape: true, use_locking: true }, { name }).outputs[0];
  }

  assignAdd(value: TensorLike, name?: string): Tensor {
    if (this.isResource) return this.resourceUpdate(AssignAddVariableOp, value, name);
    return makeOp(AssignAdd, [this.ref, toTensor(value, this.dtype, this.graph)], {}, { name }).outputs[0];
  }

  assignSub(value: TensorLike, name?: string): Tensor {
    if (this.isResource) return this.resourceUpdate(AssignSubVariableOp, value, name);
    return makeOp(AssignSub, [this.ref, toTensor(value, this.dtype, this.graph)], {}, { name }).outputs[0];
  }

  /**
   * A resource update as TF1's graph-mode `assign(read_value=True)`: the update op, and a read
   * that runs after it, which is what the caller gets (an update op has no output).
   */
  private resourceUpdate(def: OpDef, value: TensorLike, name: string | undefined, extra: AttrMap = {}): Tensor {
    const v = toTensor(value, this.dtype, this.graph);
    const update = makeOp(def, [this.ref, v], { dtype: this.dtype, ...extra }, { name });
    return this.graph.controlDependencies([update], () => readVariableOp(this.ref, this.dtype));
  }

  toString(): string {
    return `<tg.Variable '${this.name}' shape=${JSON.stringify(this.shape)} dtype=${this.dtype}>`;
  }
}

export function globalVariables(graph: Graph = getDefaultGraph()): Variable[] {
  return graph.getCollection<Variable>(GraphKeys.GLOBAL_VARIABLES);
}

export function trainableVariables(graph: Graph = getDefaultGraph()): Variable[] {
  return graph.getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES);
}

/** One op running the initializers of `vars` (a NoOp with them as control inputs). */
export function variablesInitializer(vars: readonly Variable[], name = 'init'): Operation {
  const graph = vars[0]?.graph ?? getDefaultGraph();
  return graph.nameScope(null, () => makeOp(NoOp, [], {}, { name, graph, controlInputs: vars.map((v) => v.initializer) }));
}

export function globalVariablesInitializer(graph: Graph = getDefaultGraph()): Operation {
  return variablesInitializer(globalVariables(graph), 'init');
}

