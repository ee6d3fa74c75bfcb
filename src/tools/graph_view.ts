import { formatShape, Graph, NDArray } from '../../graph/ir/index.js';

/** A graph as the HTML viewer draws it: plain JSON, no values of constants (only their types). */
export interface GraphView {
  readonly title: string;
  readonly nodes: readonly ViewNode[];
  /** [from node index, to node index, label, 1 for a control edge else 0]. */
  readonly edges: readonly (readonly [number, number, string, number])[];
}

export interface ViewNode {
  readonly name: string;
  readonly type: string;
  readonly device: string;
  readonly attrs: readonly (readonly [string, string])[];
  /** `dtype[shape]` of each output. */
  readonly outputs: readonly string[];
  /** The user ops a fused node stands for; empty for others. */
  readonly fused: readonly string[];
}

const MAX_ATTR_CHARS = 200;

function attrText(v: unknown): string {
  if (v instanceof NDArray) return v.size <= 8 ? `${v.dtype}${formatShape(v.shape)} ${JSON.stringify(v.toArray())}` : `${v.dtype}${formatShape(v.shape)}`;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > MAX_ATTR_CHARS ? `${s.slice(0, MAX_ATTR_CHARS)}…` : s;
}

/** The view of a graph; ops with a `_fused_ops` attr (see programToGraph) are fused regions. */
export function graphView(graph: Graph, title: string): GraphView {
  const ops = graph.getOperations();
  const index = new Map(ops.map((o, i) => [o, i] as const));
  const nodes = ops.map((o) => {
    const fused = Array.isArray(o.attrs._fused_ops) ? (o.attrs._fused_ops as readonly string[]).map(String) : [];
    return {
      name: o.name,
      type: o.type,
      device: o.device,
      attrs: Object.keys(o.attrs)
        .filter((k) => k !== '_fused_ops')
        .sort()
        .map((k) => [k, attrText(o.attrs[k])] as const),
      outputs: o.outputs.map((t) => `${t.dtype}${formatShape(t.shape)}`),
      fused,
    };
  });
  const edges: [number, number, string, number][] = [];
  for (const o of ops) {
    for (const t of o.inputs) edges.push([index.get(t.op)!, index.get(o)!, `${t.dtype}${formatShape(t.shape)}`, 0]);
    for (const c of o.controlInputs) edges.push([index.get(c)!, index.get(o)!, '', 1]);
  }
  return { title, nodes, edges };
}
