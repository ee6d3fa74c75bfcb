import { AttrMap, DType, isBackEdge, NDArray, Operation, PartialShape, Tensor } from '../ir/index.js';
import type { OpDef } from '../../ops/op_def.js';
import { getOpDef } from '../../ops/registry.js';
import { FEED_DEF } from './synthetic_defs.js';

/**
 * The compiler's IR. Passes never touch the user's Graph: a pruned graph is lowered once into
 * program nodes, and every pass builds new nodes instead of editing old ones, so a Program handed
 * to a pass is still valid (and comparable) after it returns.
 *
 * A node carries its OpDef, so synthetic nodes (fused regions, grouped updates) need no entry in the
 * op registry: their def is built by the pass that made them, with closures over their IR.
 */
export interface ProgramValue {
  readonly node: ProgramNode;
  readonly index: number;
  readonly dtype: DType;
  readonly shape: PartialShape;
}

export interface ProgramNode {
  /** Unique within a compilation; new nodes take fresh ids. */
  readonly id: number;
  /** For errors and traces: the user op's name, or a synthetic name made from its members'. */
  readonly name: string;
  readonly type: string;
  readonly def: OpDef;
  readonly attrs: AttrMap;
  readonly inputs: readonly ProgramValue[];
  readonly controlInputs: readonly ProgramNode[];
  readonly outputs: readonly ProgramValue[];
  /** The user ops this node stands for (several for fused nodes, none for feeds). */
  readonly origin: readonly Operation[];
  readonly traceback: readonly string[];
  /**
   * The device the user pinned (`tg.device`, `Operation.device`; '' when none). Placement in the
   * runtime decides the actual device; passes keep the pin and never fuse across different ones.
   */
  readonly device: string;
}

export interface ProgramFeed {
  readonly tensor: Tensor;
  /** Output of a `_Feed` node: never executed, its slot is filled from the run's feeds. */
  readonly value: ProgramValue;
}

/**
 * What one fetch/feed signature needs: nodes in a valid order, the values fetched (aligned with the
 * session's fetch tensors), nodes run only for their effects (targets) and the feeds.
 */
export interface Program {
  readonly nodes: readonly ProgramNode[];
  readonly fetches: readonly ProgramValue[];
  readonly targets: readonly ProgramNode[];
  readonly feeds: readonly ProgramFeed[];
}

/** Hands out node ids that stay unique across the passes of one compilation. */
export class IdSource {
  private next: number;
  constructor(start = 0) {
    this.next = start;
  }
  take(): number {
    return this.next++;
  }
  static after(program: Program): IdSource {
    let max = -1;
    for (const n of program.nodes) max = Math.max(max, n.id);
    for (const f of program.feeds) max = Math.max(max, f.value.node.id);
    return new IdSource(max + 1);
  }
}

export interface NewNode {
  name: string;
  type: string;
  def: OpDef;
  attrs: AttrMap;
  inputs: readonly ProgramValue[];
  controlInputs?: readonly ProgramNode[];
  outputs: readonly { dtype: DType; shape: PartialShape }[];
  origin: readonly Operation[];
  traceback?: readonly string[];
  /** Defaults to the first origin op's device. */
  device?: string;
}

/** Builds a node and its output values. */
export function makeNode(ids: IdSource, spec: NewNode): ProgramNode {
  const outputs: ProgramValue[] = [];
  const node: ProgramNode = {
    id: ids.take(),
    name: spec.name,
    type: spec.type,
    def: spec.def,
    attrs: spec.attrs,
    inputs: spec.inputs,
    controlInputs: spec.controlInputs ?? [],
    outputs,
    origin: spec.origin,
    traceback: spec.traceback ?? spec.origin[0]?.traceback ?? [],
    device: spec.device ?? spec.origin[0]?.device ?? '',
  };
  spec.outputs.forEach((o, i) => outputs.push({ node, index: i, dtype: o.dtype, shape: o.shape }));
  return node;
}

/** Whether a node is a Const (its value is in its attrs). */
export function constValue(v: ProgramValue): NDArray | null {
  return v.node.type === 'Const' ? (v.node.attrs.value as NDArray) : null;
}

/**
 * Lowers a pruned op list into program nodes. Fed tensors become `_Feed` nodes carrying the fed
 * shape; output shapes are then re-inferred from those shapes (falling back to the graph's static
 * shapes where inference cannot say more), so passes and the memory planner see concrete sizes.
 */
export function lowerProgram(
  ops: readonly Operation[],
  fetches: readonly Tensor[],
  targets: readonly Operation[],
  feeds: readonly Tensor[],
  feedShapes?: ReadonlyMap<Tensor, readonly number[]>,
): Program {
  const ids = new IdSource();
  const valueOf = new Map<Tensor, ProgramValue>();
  const nodeOf = new Map<Operation, ProgramNode>();
  const programFeeds: ProgramFeed[] = feeds.map((t) => {
    const shape = feedShapes?.get(t) ?? t.shape;
    const node = makeNode(ids, {
      name: t.name,
      type: '_Feed',
      def: FEED_DEF,
      attrs: {},
      inputs: [],
      outputs: [{ dtype: t.dtype, shape: shape === null ? null : [...shape] }],
      origin: [],
    });
    valueOf.set(t, node.outputs[0]);
    return { tensor: t, value: node.outputs[0] };
  });
  const nodes: ProgramNode[] = [];
  const inProgram = new Set(ops);
  for (const op of ops) {
    const def = getOpDef(op.type);
    // A loop's back edge leaves the IR: the Merge keeps its forward inputs and the NextIteration
    // names the Merges it feeds (attr _loop_merge), so every pass sees a DAG and the control-flow
    // executor (runtime/control_flow/) restores the edge per iteration.
    const forward = op.inputs.filter((_t, i) => !isBackEdge(op, i));
    const inputs = forward.map((t) => {
      const v = valueOf.get(t);
      if (!v) throw new Error(`lowerProgram: input ${t.name} of '${op.name}' comes before its producer`);
      return v;
    });
    const outputs = refineOutputs(op, def, inputs);
    const feedsMerges = op.type === 'NextIteration' || op.type === 'RefNextIteration' ? op.outputs[0].consumers().filter((c) => inProgram.has(c) && (c.type === 'Merge' || c.type === 'RefMerge')).map((c) => c.name) : [];
    const node = makeNode(ids, {
      name: op.name,
      type: op.type,
      def,
      attrs: feedsMerges.length > 0 ? { ...op.attrs, _loop_merge: feedsMerges } : op.attrs,
      inputs,
      controlInputs: op.controlInputs.filter((c) => nodeOf.has(c)).map((c) => nodeOf.get(c)!),
      outputs,
      origin: [op],
      traceback: op.traceback,
    });
    nodeOf.set(op, node);
    nodes.push(node);
    op.outputs.forEach((t, i) => {
      if (!valueOf.has(t)) valueOf.set(t, node.outputs[i]);
    });
  }
  const fetchValues = fetches.map((t) => {
    const v = valueOf.get(t);
    if (!v) throw new Error(`lowerProgram: fetch ${t.name} is not produced by the program`);
    return v;
  });
  return { nodes, fetches: fetchValues, targets: targets.map((o) => nodeOf.get(o)!), feeds: programFeeds };
}

function refineOutputs(op: Operation, def: OpDef, inputs: readonly ProgramValue[]): { dtype: DType; shape: PartialShape }[] {
  const declared = op.outputs.map((t) => ({ dtype: t.dtype, shape: t.shape }));
  if (def.stateful || op.type === 'Placeholder') return declared;
  try {
    const specs = inputs.map((v) => ({ dtype: v.dtype, shape: v.shape, value: constValue(v) }));
    const inferred = def.infer(specs, op.attrs, { opName: op.name, opType: op.type });
    if (inferred.length !== declared.length) return declared;
    return declared.map((d, i) => {
      const s = inferred[i].shape;
      const better = s !== null && inferred[i].dtype === d.dtype && (d.shape === null || (s.length === d.shape.length && s.every((x, k) => d.shape![k] === null || x === d.shape![k])));
      return better ? { dtype: d.dtype, shape: s } : d;
    });
  } catch {
    // a bad fed shape is reported by the kernel at run time, with TF's message
    return declared;
  }
}

/** Data consumers of each value, and control consumers of each node. */
export interface Uses {
  readonly readers: Map<ProgramValue, ProgramNode[]>;
  readonly controlDependents: Map<ProgramNode, ProgramNode[]>;
  readonly fetched: Set<ProgramValue>;
  readonly targeted: Set<ProgramNode>;
}

export function usesOf(program: Program): Uses {
  const readers = new Map<ProgramValue, ProgramNode[]>();
  const controlDependents = new Map<ProgramNode, ProgramNode[]>();
  for (const n of program.nodes) {
    for (const v of n.inputs) {
      const list = readers.get(v);
      if (list) {
        if (!list.includes(n)) list.push(n);
      } else readers.set(v, [n]);
    }
    for (const c of n.controlInputs) {
      const list = controlDependents.get(c);
      if (list) list.push(n);
      else controlDependents.set(c, [n]);
    }
  }
  return { readers, controlDependents, fetched: new Set(program.fetches), targeted: new Set(program.targets) };
}

/**
 * Rebuilds a program after a pass decided replacements: `replace` maps old values to the values
 * that stand for them now, `drop` lists nodes that go, `insertBefore` puts new nodes ahead of an
 * existing node (or at the end with key null). Nodes whose inputs or control inputs change are
 * copied with fresh ids; the input program is left as it was.
 */
export function rebuild(
  program: Program,
  ids: IdSource,
  edits: {
    replace?: ReadonlyMap<ProgramValue, ProgramValue>;
    replaceNode?: ReadonlyMap<ProgramNode, ProgramNode | null>;
    drop?: ReadonlySet<ProgramNode>;
    insertBefore?: ReadonlyMap<ProgramNode | null, readonly ProgramNode[]>;
  },
): Program {
  const valueMap = new Map<ProgramValue, ProgramValue>(edits.replace ?? []);
  const nodeMap = new Map<ProgramNode, ProgramNode | null>(edits.replaceNode ?? []);
  const drop = edits.drop ?? new Set<ProgramNode>();
  const mapValue = (v: ProgramValue): ProgramValue => {
    let cur = v;
    for (let hops = 0; valueMap.has(cur); hops++) {
      if (hops > 10000) throw new Error('rebuild: replacement cycle');
      cur = valueMap.get(cur)!;
    }
    return cur;
  };
  const mapNode = (n: ProgramNode): ProgramNode | null => {
    let cur: ProgramNode | null = n;
    while (cur && nodeMap.has(cur)) cur = nodeMap.get(cur)!;
    return cur && drop.has(cur) ? null : cur;
  };
  const out: ProgramNode[] = [];
  const emit = (n: ProgramNode): void => {
    const inputs = n.inputs.map(mapValue);
    const controls: ProgramNode[] = [];
    for (const c of n.controlInputs) {
      const m = mapNode(c);
      if (m && m !== n && !controls.includes(m)) controls.push(m);
    }
    const same = inputs.every((v, i) => v === n.inputs[i]) && controls.length === n.controlInputs.length && controls.every((c, i) => c === n.controlInputs[i]);
    if (same) {
      out.push(n);
      return;
    }
    const copy = makeNode(ids, { ...n, inputs, controlInputs: controls, outputs: n.outputs });
    // a replacement the pass chose wins over the copy (the copy then serves control edges only)
    n.outputs.forEach((o, i) => valueMap.has(o) || valueMap.set(o, copy.outputs[i]));
    if (!nodeMap.has(n)) nodeMap.set(n, copy);
    out.push(copy);
  };
  for (const n of program.nodes) {
    for (const added of edits.insertBefore?.get(n) ?? []) emit(added);
    if (drop.has(n)) continue;
    emit(n);
  }
  for (const added of edits.insertBefore?.get(null) ?? []) emit(added);
  const targets: ProgramNode[] = [];
  for (const t of program.targets) {
    const m = mapNode(t);
    if (m && !targets.includes(m)) targets.push(m);
  }
  return {
    nodes: out,
    fetches: program.fetches.map(mapValue),
    targets,
    feeds: program.feeds,
  };
}
