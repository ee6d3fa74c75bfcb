import { isBackEdge, NDArray, Operation } from '../../graph/ir/index.js';
import { isLoopMerge, isMerge, Level, sameChain } from './cf_context.js';
import type { OnnxGraph } from './ir.js';
import type { Scope } from './scope.js';

type BranchLevel = Extract<Level, { kind: 'branch' }>;

/**
 * A tg.cond (TF1's Switch per captured value -> branch ops -> Merge per output) as one ONNX `If`:
 * the Merges the outputs need that join the two sides of the same predicate in this scope become
 * its outputs; each branch is a subgraph holding that side's ops, reading outer values by name
 * (a Switch output is, inside its branch, the value it switches). A Merge's value_index becomes an
 * extra output, constant in each branch.
 */
export function exportCond(scope: Scope, merge: Operation): void {
  const contexts = scope.shared.contexts;
  const levelOf = (m: Operation, k: number): BranchLevel => contexts.of(m.inputs[k]).at(-1) as BranchLevel;
  const pred = levelOf(merge, 0).pred;
  const candidates = [...scope.shared.needed].filter(
    (op) => isMerge(op) && !isLoopMerge(op) && op !== merge && sameChain(contexts.opChain(op), scope.chain) && levelOf(op, 0).pred === pred,
  );
  // Two conds on one predicate share an If unless one reads the other's result (that would be a cycle).
  const group = [merge];
  for (const c of candidates) if (group.every((m) => !dependsOn(m, c) && !dependsOn(c, m))) group.push(c);
  const fresh = scope.freshFor(merge);
  const branches = ([1, 0] as const).map((b): OnnxGraph => {
    const level = levelOf(merge, levelOf(merge, 0).branch === b ? 0 : 1);
    const g: OnnxGraph = { name: `${merge.name}/${b ? 'then' : 'else'}_branch`, nodes: [], initializers: new Map(), inputs: [], outputs: [] };
    const inner = scope.child([...scope.chain, level], g, new Map());
    for (const m of group) {
      const k = levelOf(m, 0).branch === b ? 0 : 1;
      inner.output(inner.name(m.inputs[k]), m.inputs[k], fresh);
      if (scope.shared.neededTensors.has(m.outputs[1])) {
        const idx = fresh('value_index');
        g.initializers.set(idx, new NDArray('int32', [], Int32Array.of(k)));
        inner.output(idx, m.outputs[1], fresh);
      }
    }
    return g;
  });
  const outputs = group.flatMap((m) => (scope.shared.neededTensors.has(m.outputs[1]) ? [scope.define(m.outputs[0]), scope.define(m.outputs[1])] : [scope.define(m.outputs[0])]));
  scope.graph.nodes.push({
    name: fresh('If'),
    opType: 'If',
    inputs: [scope.name(pred)],
    outputs,
    attrs: { then_branch: { graph: branches[0] }, else_branch: { graph: branches[1] } },
  });
  group.forEach((m) => scope.markDone(m));
}

/** Whether `a` reads `b`'s outputs, directly or not (data edges, not back edges). */
function dependsOn(a: Operation, b: Operation): boolean {
  const seen = new Set<Operation>();
  const stack = [a];
  while (stack.length > 0) {
    const op = stack.pop()!;
    if (op === b && op !== a) return true;
    if (seen.has(op)) continue;
    seen.add(op);
    op.inputs.forEach((t, i) => !isBackEdge(op, i) && stack.push(t.op));
  }
  return false;
}
