import { InternalError } from './errors.js';
import type { Graph } from './graph.js';
import type { Operation } from './operation.js';
import { isBackEdge } from './control_flow_context.js';

export interface VerifyOptions {
  /** Checks op types against a registry and the op's inputs/outputs against its definition. */
  checkOp?: (op: Operation) => string | null;
}

/**
 * Structural invariants of a graph: names unique and well-formed, every input and control input
 * belonging to this graph and created before use is resolvable, output tensors know their op, and
 * the data + control edges form no cycle (a
 * while loop's NextIteration -> Merge back edges aside). Run in tests after every pass and import.
 */
export function verifyGraph(graph: Graph, options: VerifyOptions = {}): void {
  const problems: string[] = [];
  const ops = graph.getOperations();
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.name)) problems.push(`duplicate op name '${op.name}'`);
    seen.add(op.name);
    if (graph.getOperationByName(op.name) !== op) problems.push(`op '${op.name}' is not registered under its name`);
    op.outputs.forEach((t, i) => {
      if (t.op !== op || t.index !== i) problems.push(`output ${i} of '${op.name}' points at ${t.op.name}:${t.index}`);
    });
    for (const t of op.inputs) {
      if (t.graph !== graph) problems.push(`input ${t.name} of '${op.name}' is from another graph`);
      else if (!graph.hasOperation(t.op.name) || graph.getOperationByName(t.op.name) !== t.op) {
        problems.push(`input ${t.name} of '${op.name}' is not in the graph`);
      }
    }
    for (const c of op.controlInputs) {
      if (c.graph !== graph || !graph.hasOperation(c.name)) problems.push(`control input '${c.name}' of '${op.name}' is not in the graph`);
    }
    const extra = options.checkOp?.(op);
    if (extra) problems.push(extra);
  }
  const cycle = findCycle(ops);
  if (cycle) problems.push(`cycle: ${cycle.join(' -> ')}`);
  if (problems.length > 0) throw new InternalError(`Graph verification failed:\n  ${problems.join('\n  ')}`);
}

/** One cycle through data or control edges among `ops`, as op names, or null. */
export function findCycle(ops: readonly Operation[]): string[] | null {
  const state = new Map<Operation, 1 | 2>();
  const stack: Operation[] = [];
  const inSet = new Set(ops);
  for (const root of ops) {
    if (state.has(root)) continue;
    // iterative DFS: frames of (op, next predecessor index)
    const frames: [Operation, number][] = [[root, 0]];
    state.set(root, 1);
    stack.push(root);
    while (frames.length > 0) {
      const top = frames[frames.length - 1];
      const [op, idx] = top;
      const preds = predecessors(op);
      if (idx < preds.length) {
        top[1]++;
        const p = preds[idx];
        if (!inSet.has(p)) continue;
        const s = state.get(p);
        if (s === 1) {
          const at = stack.indexOf(p);
          return [...stack.slice(at).map((o) => o.name), p.name];
        }
        if (s === undefined) {
          state.set(p, 1);
          stack.push(p);
          frames.push([p, 0]);
        }
      } else {
        state.set(op, 2);
        stack.pop();
        frames.pop();
      }
    }
  }
  return null;
}

/** Producers of `op`'s data and control inputs, loop back edges left out (see isBackEdge). */
export function predecessors(op: Operation): Operation[] {
  const out: Operation[] = [];
  op.inputs.forEach((t, i) => isBackEdge(op, i) || out.push(t.op));
  for (const c of op.controlInputs) out.push(c);
  return out;
}
