import { InvalidArgumentError, isBackEdge, NDArray, Operation, Tensor, UnimplementedError } from '../../graph/ir/index.js';
import type { DType } from '../../graph/ir/index.js';
import { staticValue } from '../../ops/builder.js';
import type { OnnxAttr, OnnxExportContext, OnnxOpView, OnnxValue } from '../../ops/op_def.js';
import { getOpDef } from '../../ops/registry.js';
import { Chain, ControlFlowContexts, describeChain, isEnter, isExit, isLoopMerge, isLoopSwitch, isMerge, isPrefix, isSwitch, sameChain } from './cf_context.js';
import { ONNX_DTYPE } from './ir.js';
import type { OnnxGraph, OnnxNode } from './ir.js';

/** Turns a cond's Merges (one If) or a loop's Exits (one Loop) into ONNX nodes in `scope`. */
export interface StructuredExporters {
  cond(scope: Scope, merge: Operation): void;
  loop(scope: Scope, exit: Operation): void;
}

/** What every scope of one export shares. */
export interface ExportState {
  readonly opset: number;
  readonly contexts: ControlFlowContexts;
  /** Tensors given as model inputs: their producers are not exported. */
  readonly cut: ReadonlySet<Tensor>;
  /** The ops the outputs need through data edges (back edges included): which Merges and Exits a group holds. */
  readonly needed: ReadonlySet<Operation>;
  /** The tensors those ops (and the outputs) read: whether a Merge's value_index is wanted. */
  readonly neededTensors: ReadonlySet<Tensor>;
  readonly structured: StructuredExporters;
}

/**
 * One instance of one control-flow chain (cf_context.ts) being written into one ONNX graph: the
 * root graph, an If branch, a Loop body, or a copy of a loop's predicate (made twice: on the
 * initial values before the Loop, and on the next values at the end of the body). It exports
 * the ops of its chain on demand, names values of enclosing chains through its parent (ONNX
 * subgraphs read outer values by name), and refuses values of chains it cannot reach.
 */
export class Scope {
  private readonly names = new Map<Tensor, string>();
  private readonly state = new Map<Operation, 'visiting' | 'done'>();

  constructor(
    readonly shared: ExportState,
    readonly chain: Chain,
    readonly graph: OnnxGraph,
    readonly parent: Scope | null,
    /** Values this instance is given (a Loop body's inputs, a predicate copy's loop variables). */
    bindings: ReadonlyMap<Tensor, string>,
    /** Prepended to the names of this instance's values when the chain is instantiated more than once. */
    readonly prefix: string,
  ) {
    for (const [t, n] of bindings) this.names.set(t, n);
  }

  /** A nested instance: its own graph, or this one's graph with `prefix` for a copy. */
  child(chain: Chain, graph: OnnxGraph, bindings: ReadonlyMap<Tensor, string>, prefix = this.prefix): Scope {
    return new Scope(this.shared, chain, graph, this, bindings, prefix);
  }

  /** The ONNX name of `t`'s value here, exporting what computes it first. */
  name(t: Tensor): string {
    const bound = this.names.get(t);
    if (bound !== undefined) return bound;
    if (this.shared.cut.has(t)) return this.root().name(t);
    const c = this.shared.contexts.of(t);
    if (sameChain(c, this.chain)) {
      const op = t.op;
      // a cond Switch output or a loop-invariant Enter is, inside, the outer value itself
      if ((isSwitch(op) && !isLoopSwitch(op)) || (isEnter(op) && op.attrs.is_constant === true)) return this.alias(t, this.name(op.inputs[0]));
      this.exportOp(op);
      const n = this.names.get(t);
      if (n === undefined) throw new UnimplementedError(`ONNX export: output '${t.name}' of ${op.type} '${op.name}' is not produced by its ONNX mapping`);
      return n;
    }
    if (this.parent && isPrefix(c, this.chain)) return this.parent.name(t);
    throw new UnimplementedError(
      `ONNX export of op '${t.op.name}' (${t.op.type}) is not supported: its output '${t.name}' lives in ${describeChain(c)} and is read from ${describeChain(this.chain)}, which an ONNX If/Loop cannot express (read it through the cond's Merge or the loop's Exit)`,
    );
  }

  /** Names `t` here (its local ONNX value name unless given one). */
  define(t: Tensor, name = this.localName(t)): string {
    this.names.set(t, name);
    return name;
  }

  localName(t: Tensor): string {
    return this.prefix ? `${this.prefix}/${t.name}` : t.name;
  }

  /** A name no other value of the model has, for `op`'s extra values. */
  freshFor(op: Operation): (hint: string) => string {
    let counter = 0;
    const base = this.prefix ? `${this.prefix}/${op.name}` : op.name;
    // TF tensor names end in ':N', so these never meet one; op names are unique in the graph
    return (hint: string) => `${base}/onnx/${hint}_${counter++}`;
  }

  markDone(op: Operation): void {
    this.state.set(op, 'done');
  }

  /**
   * Makes `value` an output of this scope's (sub)graph: through an Identity when no node of the
   * graph produces it (an outer value, a Loop body input) or it is already an output, since an
   * ONNX subgraph output must be a value the subgraph defines, once.
   */
  output(value: string, t: Tensor, fresh: (hint: string) => string): string {
    const g = this.graph;
    let name = value;
    if (!g.nodes.some((n) => n.outputs.includes(value)) || g.outputs.some((o) => o.name === value)) {
      name = fresh('out');
      g.nodes.push({ name: fresh('node_Identity'), opType: 'Identity', inputs: [value], outputs: [name], attrs: {} });
    }
    // shapes can differ across iterations and branches: the runtime checks them, the file gives the rank-free type
    g.outputs.push({ name, dtype: t.dtype, shape: null });
    return name;
  }

  private root(): Scope {
    return this.parent ? this.parent.root() : this;
  }

  private alias(t: Tensor, name: string): string {
    this.names.set(t, name);
    return name;
  }

  private exportOp(op: Operation): void {
    const s = this.state.get(op);
    if (s === 'done') return;
    if (s === 'visiting') throw new InvalidArgumentError(`ONNX export: the graph has a cycle through '${op.name}'`);
    this.state.set(op, 'visiting');
    if (isMerge(op) && !isLoopMerge(op)) this.shared.structured.cond(this, op);
    else if (isExit(op)) this.shared.structured.loop(this, op);
    else this.exportPlain(op);
    this.state.set(op, 'done');
  }

  private exportPlain(op: Operation): void {
    const def = getOpDef(op.type);
    const label = `ONNX export of op '${op.name}' (${op.type})`;
    const facet = def.onnx;
    if (!facet) throw new UnimplementedError(`${label} is not supported: no ONNX mapping`);
    if (facet.kind === 'onnx-refused') throw new UnimplementedError(`${label} is not supported: ${facet.reason}`);
    const inputs = op.inputs.map((t, i): OnnxValue => {
      if (isBackEdge(op, i)) throw new UnimplementedError(`${label} is not supported: it is a loop Merge outside the while loop structure the exporter recognises`);
      return { name: this.name(t), dtype: t.dtype, shape: t.shape, value: valueOf(t) };
    });
    const outputs = op.outputs.map((t): OnnxValue => ({ name: this.define(t), dtype: t.dtype, shape: t.shape, value: valueOf(t) }));
    const fresh = this.freshFor(op);
    const g = this.graph;
    const ctx: OnnxExportContext = {
      opset: this.shared.opset,
      node(opType: string, ins: readonly string[], attrs: Readonly<Record<string, OnnxAttr>> = {}, outs: readonly string[] | number = 1): string[] {
        const names = typeof outs === 'number' ? Array.from({ length: outs }, () => fresh(opType.toLowerCase())) : [...outs];
        const node: OnnxNode = { name: fresh(`node_${opType}`), opType, inputs: [...ins], outputs: names, attrs: { ...attrs } };
        g.nodes.push(node);
        return names;
      },
      constant(value: NDArray, name?: string): string {
        const n = name ?? fresh('const');
        g.initializers.set(n, value);
        return n;
      },
      int64s(values: readonly number[]): string {
        return this.constant(new NDArray('int64', [values.length], Int32Array.from(values)));
      },
      cast(name: string, from: DType, to: DType): string {
        if (from === to) return name;
        return this.node('Cast', [name], { to: { i: ONNX_DTYPE[to] } })[0];
      },
      fresh,
      refuse(why: string): never {
        throw new UnimplementedError(`${label} is not supported: ${why}`);
      },
    };
    const view: OnnxOpView = { name: op.name, type: op.type, attrs: op.attrs, inputs, outputs };
    facet.export(ctx, view);
  }
}

/**
 * Constants, seen through identities (a frozen graph's `W/read` gives W's value) and through the
 * pass-throughs of control flow (a cond's Switch, a loop-invariant Enter), which inside a branch
 * or body are the value itself.
 */
export function valueOf(t: Tensor): NDArray | null {
  const op = t.op;
  if (op.type === 'Identity' || op.type === 'StopGradient') return valueOf(op.inputs[0]);
  if ((isSwitch(op) && !isLoopSwitch(op)) || (isEnter(op) && op.attrs.is_constant === true)) return valueOf(op.inputs[0]);
  return staticValue(t);
}
