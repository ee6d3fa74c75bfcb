import { InternalError } from '../../graph/ir/index.js';
import type { OnnxGraph, OnnxNode } from './ir.js';

/** The subgraphs a node carries (If's branches, Loop's body). */
export function subgraphs(n: OnnxNode): OnnxGraph[] {
  return Object.values(n.attrs).flatMap((a) => ('graph' in a ? [a.graph] : []));
}

/** Names a graph (and its subgraphs) reads that it does not define: its outer-scope references. */
function outerReads(g: OnnxGraph): Set<string> {
  const defined = new Set([...g.inputs.map((v) => v.name), ...g.initializers.keys(), ...g.nodes.flatMap((n) => n.outputs), '']);
  const out = new Set<string>();
  for (const n of g.nodes) for (const v of reads(n)) if (!defined.has(v)) out.add(v);
  for (const o of g.outputs) if (!defined.has(o.name)) out.add(o.name);
  return out;
}

/** Every value a node needs: its inputs and what its subgraphs read from the enclosing scopes. */
export function reads(n: OnnxNode): string[] {
  const subs = subgraphs(n);
  if (subs.length === 0) return n.inputs;
  return [...new Set([...n.inputs, ...subs.flatMap((s) => [...outerReads(s)])])];
}

/** Replaces every read of value `from` by `to`, in subgraphs too (they read outer values by name). */
export function renameUses(g: OnnxGraph, from: string, to: string): void {
  for (const n of g.nodes) {
    n.inputs = n.inputs.map((v) => (v === from ? to : v));
    for (const s of subgraphs(n)) renameUses(s, from, to);
  }
}

export function isGraphOutput(g: OnnxGraph, name: string): boolean {
  return g.outputs.some((o) => o.name === name);
}

/** The nodes reading each value (a node whose subgraph reads it counts). */
export function consumers(g: OnnxGraph): Map<string, OnnxNode[]> {
  const m = new Map<string, OnnxNode[]>();
  for (const n of g.nodes) for (const v of reads(n)) m.set(v, [...(m.get(v) ?? []), n]);
  return m;
}

/**
 * Drops Identity nodes (TF's `read` identities, StopGradient, layout no-ops) whose output is not
 * a graph output, so later passes see producers and constants directly; in subgraphs too, where
 * the outputs are the subgraph's own.
 */
export function eliminateIdentities(g: OnnxGraph): void {
  g.nodes = g.nodes.filter((n) => {
    if (n.opType !== 'Identity' || isGraphOutput(g, n.outputs[0])) return true;
    renameUses(g, n.outputs[0], n.inputs[0]);
    return false;
  });
  for (const n of g.nodes) subgraphs(n).forEach(eliminateIdentities);
}

/** Removes nodes and initializers no graph output depends on (a subgraph's outer reads keep theirs). */
export function pruneDeadNodes(g: OnnxGraph): void {
  const producer = new Map<string, OnnxNode>();
  for (const n of g.nodes) for (const o of n.outputs) producer.set(o, n);
  const live = new Set<OnnxNode>();
  const liveValues = new Set<string>();
  const stack = g.outputs.map((o) => o.name);
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (liveValues.has(v)) continue;
    liveValues.add(v);
    const n = producer.get(v);
    if (n && !live.has(n)) {
      live.add(n);
      subgraphs(n).forEach(pruneDeadNodes);
      stack.push(...reads(n).filter((i) => i !== ''));
    }
  }
  g.nodes = g.nodes.filter((n) => live.has(n));
  for (const k of [...g.initializers.keys()]) if (!liveValues.has(k)) g.initializers.delete(k);
}

/**
 * Orders nodes so each comes after the producers of what it reads (ONNX requires it), subgraphs
 * too; `outer` holds the names the enclosing scopes define.
 */
export function sortNodes(g: OnnxGraph, outer: ReadonlySet<string> = new Set()): void {
  const producer = new Map<string, OnnxNode>();
  for (const n of g.nodes) for (const o of n.outputs) producer.set(o, n);
  const available = new Set([...outer, ...g.inputs.map((v) => v.name), ...g.initializers.keys(), '']);
  const order: OnnxNode[] = [];
  const state = new Map<OnnxNode, number>();
  const visit = (n: OnnxNode): void => {
    if (state.get(n) === 2) return;
    if (state.get(n) === 1) throw new InternalError(`ONNX export: cycle through node '${n.name}'`);
    state.set(n, 1);
    for (const v of reads(n)) {
      const p = producer.get(v);
      if (p) visit(p);
      else if (!available.has(v)) throw new InternalError(`ONNX export: node '${n.name}' (${n.opType}) reads '${v}', which nothing defines`);
    }
    state.set(n, 2);
    order.push(n);
  };
  for (const n of g.nodes) visit(n);
  g.nodes = order;
  const scope = new Set([...available, ...producer.keys()]);
  for (const n of g.nodes) for (const s of subgraphs(n)) sortNodes(s, scope);
}
