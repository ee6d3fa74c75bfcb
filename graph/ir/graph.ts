import type { AttrMap } from './attrs.js';
import type { DType } from './dtype.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import { Operation } from './operation.js';
import type { PartialShape } from './shape.js';
import { Tensor } from './tensor.js';
import { captureUserFrames } from './traceback.js';
import type { ControlFlowContext } from './control_flow_context.js';

const VALID_OP_NAME = /^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$/;

export interface NewOpSpec {
  type: string;
  /** The requested name (before scoping and uniquing); defaults to the op type. */
  name?: string;
  inputs: readonly Tensor[];
  attrs: AttrMap;
  outputs: readonly { dtype: DType; shape: PartialShape }[];
  /** Extra control inputs beyond those of the enclosing controlDependencies scopes. */
  controlInputs?: readonly Operation[];
  /** Inputs that must stay the variable itself (ref inputs): a control-flow context never rewires them. */
  refInputs?: readonly number[];
}

/**
 * A dataflow graph: operations in creation order, TF's name uniquing and name scopes,
 * control-dependency scopes, collections, a graph-level random seed and a version that changes
 * with every mutation (sessions key their plan caches on it).
 */
export class Graph {
  private readonly ops: Operation[] = [];
  private readonly byName = new Map<string, Operation>();
  private readonly namesInUse = new Map<string, number>();
  private readonly consumers = new Map<Tensor, Operation[]>();
  private readonly collections = new Map<string, unknown[]>();
  private scope = '';
  private readonly controlStack: Operation[][] = [];
  private readonly deviceStack: string[] = [];
  private readonly flowStack: (ControlFlowContext | null)[] = [];
  private readonly flowOf = new WeakMap<Operation, ControlFlowContext>();
  private _version = 0;
  private _finalized = false;
  /** Graph-level random seed (tg.setRandomSeed); op seeds combine with it. */
  seed: number | null = null;

  get version(): number {
    return this._version;
  }

  get finalized(): boolean {
    return this._finalized;
  }

  /** Makes the graph read-only, as TF's Graph.finalize(). */
  finalize(): void {
    this._finalized = true;
  }

  touch(): void {
    this._version++;
  }

  /** Runs `fn` with this graph as the default graph and returns its value. */
  asDefault<T>(fn: () => T): T {
    graphStack.push(this);
    try {
      return fn();
    } finally {
      graphStack.pop();
    }
  }

  // ---- names and scopes -------------------------------------------------------------------

  /** TF's unique_name: the full scoped name, with `_N` appended when taken (case-insensitive). */
  uniqueName(name: string, markAsUsed = true): string {
    const full = this.scope + name;
    let key = full.toLowerCase();
    let i = this.namesInUse.get(key) ?? 0;
    if (markAsUsed) this.namesInUse.set(key, i + 1);
    if (i === 0) return full;
    const base = key;
    while (this.namesInUse.has(key)) {
      key = `${base}_${i}`;
      i++;
    }
    if (markAsUsed) this.namesInUse.set(key, 1);
    return `${full}_${i - 1}`;
  }

  /** The current name scope, with a trailing '/' (or '' at the root). */
  get currentScope(): string {
    return this.scope;
  }

  /**
   * Opens a name scope. A name ending in '/' re-enters that exact scope; an empty name resets to
   * the root; otherwise the name is uniqued like an op name ('block1', 'block1_1').
   */
  nameScope<T>(name: string | null, fn: (scopeName: string) => T): T {
    const saved = this.scope;
    let next: string;
    if (name === null || name === '') next = '';
    else if (name.endsWith('/')) next = name;
    else next = this.uniqueName(name) + '/';
    this.scope = next;
    try {
      return fn(next);
    } finally {
      this.scope = saved;
    }
  }

  controlDependencies<T>(ops: readonly Operation[] | null, fn: () => T): T {
    // `null` clears the enclosing control dependencies, as in TF.
    const saved = ops === null ? this.controlStack.splice(0) : null;
    if (ops !== null) {
      for (const op of ops) {
        if (op.graph !== this) throw new InvalidArgumentError(`Control dependency '${op.name}' must be from the same graph`);
      }
      this.controlStack.push([...ops]);
    }
    try {
      return fn();
    } finally {
      if (saved !== null) this.controlStack.push(...saved);
      else this.controlStack.pop();
    }
  }

  device<T>(device: string, fn: () => T): T {
    this.deviceStack.push(device);
    try {
      return fn();
    } finally {
      this.deviceStack.pop();
    }
  }

  /** The cond branch or loop body ops are being built in now (null at the top level). */
  get controlFlowContext(): ControlFlowContext | null {
    return this.flowStack.length > 0 ? this.flowStack[this.flowStack.length - 1] : null;
  }

  /** Builds `fn` inside `ctx` (null: at the top level, as a context does to wire its own inputs). */
  withControlFlowContext<T>(ctx: ControlFlowContext | null, fn: () => T): T {
    this.flowStack.push(ctx);
    try {
      return fn();
    } finally {
      this.flowStack.pop();
    }
  }

  /** The control-flow context `op` was built in, or null (TF's op._get_control_flow_context()). */
  contextOf(op: Operation): ControlFlowContext | null {
    return this.flowOf.get(op) ?? null;
  }

  /** Puts `op` in `ctx` after the fact (TF's op._set_control_flow_context): a loop's Enters belong to it. */
  setContextOf(op: Operation, ctx: ControlFlowContext | null): void {
    if (ctx) this.flowOf.set(op, ctx);
    else this.flowOf.delete(op);
  }

  /** Rewires input `i` of `op` to `t` (a while loop's back edge); consumer lists follow. */
  updateInput(op: Operation, i: number, t: Tensor): void {
    if (op.graph !== this || t.graph !== this) throw new InvalidArgumentError(`updateInput: '${op.name}' and ${t.name} must both be in this graph`);
    if (i < 0 || i >= op.inputs.length) throw new InvalidArgumentError(`updateInput: '${op.name}' has no input ${i}`);
    const old = op.inputs[i];
    op.setInput(i, t);
    if (!op.inputs.includes(old)) {
      const users = this.consumers.get(old) ?? [];
      const k = users.indexOf(op);
      if (k >= 0) users.splice(k, 1);
    }
    const list = this.consumers.get(t);
    if (!list) this.consumers.set(t, [op]);
    else if (!list.includes(op)) list.push(op);
    this._version++;
  }

  // ---- building ---------------------------------------------------------------------------

  /** Adds an operation whose output types have already been inferred by its op definition. */
  addOp(spec: NewOpSpec): Operation {
    if (this._finalized) throw new Error('Graph is finalized and cannot be modified.');
    for (const t of spec.inputs) {
      if (t.graph !== this) {
        throw new InvalidArgumentError(`Tensor ${t.name} must be from the same graph as the op being created (${spec.type}${spec.name ? ` '${spec.name}'` : ''}).`);
      }
    }
    const requested = spec.name ?? spec.type;
    if (!VALID_OP_NAME.test(requested.replace(/\/$/, '')) && requested !== '') {
      throw new InvalidArgumentError(`'${requested}' is not a valid node name`);
    }
    // A name ending in '/' is an absolute name already made unique by a name scope (TF's
    // `with name_scope(n) as scope: op(name=scope)`), used as is.
    let name: string;
    if (requested.endsWith('/')) {
      name = requested.slice(0, -1);
      if (this.byName.has(name)) throw new InvalidArgumentError(`Duplicate node name in graph: '${name}'`);
      const key = name.toLowerCase();
      if (!this.namesInUse.has(key)) this.namesInUse.set(key, 1);
    } else name = this.uniqueName(requested);
    const control: Operation[] = [];
    for (const group of this.controlStack) for (const op of group) if (!control.includes(op)) control.push(op);
    for (const op of spec.controlInputs ?? []) {
      if (op.graph !== this) throw new InvalidArgumentError(`Control input '${op.name}' must be from the same graph`);
      if (!control.includes(op)) control.push(op);
    }
    const flow = this.controlFlowContext;
    // inside a cond branch or loop body, outside values come in through Switch/Enter (made by the context)
    const inputs = flow ? spec.inputs.map((t, i) => (spec.refInputs?.includes(i) ? t : flow.capture(t))) : spec.inputs;
    const op = new Operation({
      graph: this,
      name,
      type: spec.type,
      inputs,
      controlInputs: control,
      attrs: spec.attrs,
      device: this.deviceStack[this.deviceStack.length - 1] ?? '',
      traceback: captureUserFrames(),
    });
    op.setOutputs(spec.outputs.map((o, i) => new Tensor(op, i, o.dtype, o.shape)));
    this.ops.push(op);
    this.byName.set(name, op);
    for (const t of inputs) {
      const list = this.consumers.get(t);
      if (list) list.push(op);
      else this.consumers.set(t, [op]);
    }
    this._version++;
    if (flow) {
      this.flowOf.set(op, flow);
      flow.added(op);
    }
    return op;
  }

  /**
   * Runs `fn`, a synchronous change to this graph; when it throws, the graph is put back as it was
   * (operations, names in use, collections, version) before the error goes on. Loaders build into
   * the graph inside one, so that a file failing at any stage leaves nothing behind. Putting the
   * version back is sound: nothing can compile a plan while `fn` runs, and the graph is then
   * again exactly the one that version named.
   */
  atomically<T>(fn: () => T): T {
    const ops = this.ops.length;
    const names = [...this.namesInUse];
    const collections = [...this.collections].map(([k, list]) => [k, list, [...list]] as const);
    const version = this._version;
    try {
      const result = fn();
      if (result instanceof Promise) throw new InvalidArgumentError('Graph.atomically takes a synchronous function; it cannot undo what runs after an await');
      return result;
    } catch (e) {
      for (const op of this.ops.splice(ops)) {
        this.byName.delete(op.name);
        for (const t of op.inputs) {
          const users = this.consumers.get(t) ?? [];
          const i = users.indexOf(op);
          if (i >= 0) users.splice(i, 1);
        }
        for (const t of op.outputs) this.consumers.delete(t);
      }
      this.namesInUse.clear();
      for (const [k, n] of names) this.namesInUse.set(k, n);
      // the same list objects come back, so that holders of getCollectionRef see the rollback too
      this.collections.clear();
      for (const [k, list, items] of collections) {
        list.splice(0, list.length, ...items);
        this.collections.set(k, list);
      }
      this._version = version;
      throw e;
    }
  }

  // ---- lookup -----------------------------------------------------------------------------

  getOperations(): Operation[] {
    return [...this.ops];
  }

  get numOps(): number {
    return this.ops.length;
  }

  hasOperation(name: string): boolean {
    return this.byName.has(name);
  }

  getOperationByName(name: string): Operation {
    const op = this.byName.get(name);
    if (!op) throw new NotFoundError(`The name '${name}' refers to an Operation not in the graph.`);
    return op;
  }

  getTensorByName(name: string): Tensor {
    const m = /^(.*):(\d+)$/.exec(name);
    if (!m) {
      throw new InvalidArgumentError(`The name '${name}' looks like an (invalid) Operation name, not a Tensor. Tensor names must be of the form "<op_name>:<output_index>".`);
    }
    const op = this.byName.get(m[1]);
    if (!op) throw new NotFoundError(`The name '${name}' refers to a Tensor which does not exist. The operation, '${m[1]}', does not exist in the graph.`);
    const i = Number(m[2]);
    if (i >= op.outputs.length) {
      throw new NotFoundError(`The name '${name}' refers to a Tensor which does not exist. The operation, '${m[1]}', exists but only has ${op.outputs.length} outputs.`);
    }
    return op.outputs[i];
  }

  consumersOf(t: Tensor): Operation[] {
    return [...(this.consumers.get(t) ?? [])];
  }

  // ---- collections ------------------------------------------------------------------------

  addToCollection(key: string, value: unknown): void {
    const list = this.collections.get(key);
    if (list) list.push(value);
    else this.collections.set(key, [value]);
  }

  /** A copy of the collection (empty when absent), like TF's get_collection. */
  getCollection<T = unknown>(key: string): T[] {
    return [...((this.collections.get(key) as T[] | undefined) ?? [])];
  }

  /** The live list, for callers that must edit a collection in place. */
  getCollectionRef<T = unknown>(key: string): T[] {
    let list = this.collections.get(key);
    if (!list) {
      list = [];
      this.collections.set(key, list);
    }
    return list as T[];
  }

  getAllCollectionKeys(): string[] {
    return [...this.collections.keys()];
  }

  clearCollection(key: string): void {
    this.collections.delete(key);
  }

  /** Seeds for a random op, following TF's get_seed rules. */
  randomSeeds(opSeed: number | undefined | null): [number, number] {
    const graphSeed = this.seed;
    if (graphSeed !== null) {
      // TF uses the graph's last op id here
      if (opSeed === undefined || opSeed === null) return [graphSeed, this.ops.length];
      return [graphSeed, opSeed];
    }
    if (opSeed !== undefined && opSeed !== null) return [DEFAULT_GRAPH_SEED, opSeed];
    return [0, 0];
  }
}

/** TF's DEFAULT_GRAPH_SEED, used when an op has a seed and the graph has none. */
export const DEFAULT_GRAPH_SEED = 87654321;

const graphStack: Graph[] = [];
let globalDefault = new Graph();

export function getDefaultGraph(): Graph {
  return graphStack[graphStack.length - 1] ?? globalDefault;
}

/** Clears the global default graph (TF's reset_default_graph). Not allowed inside asDefault. */
export function resetDefaultGraph(): void {
  if (graphStack.length > 0) {
    throw new Error('Do not use tg.resetDefaultGraph() inside graph.asDefault(); it would leave that graph half-current.');
  }
  globalDefault = new Graph();
}
