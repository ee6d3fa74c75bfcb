import type { Graph, Operation } from '../../graph/ir/index.js';
import { formatShape } from '../../graph/ir/index.js';

/** A Graphviz-safe quoted string. */
const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The graph as Graphviz `dot` text: one node per op (name and type), data edges labelled with
 * the tensor's shape and dtype, control edges dashed, and each name scope a nested cluster (the
 * view TensorBoard's graph tab gives, in a form `dot -Tsvg` renders). Fused nodes of an optimised
 * graph (see programToGraph) are filled and outlined, and list the ops they stand for.
 */
export function toDot(graph: Graph): string {
  const ops = graph.getOperations();
  interface Scope {
    children: Map<string, Scope>;
    ops: Operation[];
  }
  const root: Scope = { children: new Map(), ops: [] };
  for (const op of ops) {
    const parts = op.name.split('/');
    let s = root;
    for (const p of parts.slice(0, -1)) {
      let c = s.children.get(p);
      if (!c) {
        c = { children: new Map(), ops: [] };
        s.children.set(p, c);
      }
      s = c;
    }
    s.ops.push(op);
  }
  const lines: string[] = ['digraph tensorgraph {', '  rankdir=TB;', '  node [shape=box, style=rounded, fontsize=10];'];
  let cluster = 0;
  const emit = (s: Scope, path: string, indent: string): void => {
    for (const op of s.ops) {
      const fused = op.attrs._fused_ops;
      if (Array.isArray(fused)) {
        // a fused region of an optimised graph (programToGraph): outlined, with its member ops
        const label = `${op.name.split('/').pop()}\n${op.type} (${fused.length} fused)\n${fused.map(String).join('\n')}`;
        lines.push(`${indent}${q(op.name)} [label=${q(label)}, style="rounded,filled,bold", fillcolor="#ffe6e0", color="#d9480f", penwidth=2];`);
      } else lines.push(`${indent}${q(op.name)} [label=${q(`${op.name.split('/').pop()}\n${op.type}`)}];`);
    }
    for (const [name, child] of s.children) {
      const full = path ? `${path}/${name}` : name;
      lines.push(`${indent}subgraph cluster_${cluster++} {`, `${indent}  label=${q(full)};`, `${indent}  style=rounded; color=gray;`);
      emit(child, full, indent + '  ');
      lines.push(`${indent}}`);
    }
  };
  emit(root, '', '  ');
  for (const op of ops) {
    for (const t of op.inputs) lines.push(`  ${q(t.op.name)} -> ${q(op.name)} [label=${q(`${t.dtype}${formatShape(t.shape)}`)}, fontsize=8];`);
    for (const c of op.controlInputs) lines.push(`  ${q(c.name)} -> ${q(op.name)} [style=dashed];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
