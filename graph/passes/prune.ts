import { Graph as DiGraph, alg } from '@dagrejs/graphlib';
import { InvalidArgumentError, isBackEdge, Operation, Tensor } from '../ir/index.js';

/** The ops one fetch/feed signature needs, in a valid order (lowered into a Program next). */
export interface PrunedGraph {
  readonly ops: readonly Operation[];
  readonly fetches: readonly Tensor[];
  readonly targets: readonly Operation[];
  readonly feeds: readonly Tensor[];
}

/**
 * Keeps only what the fetches and targets need: their ancestors through data and control edges,
 * stopping at fed tensors. Returns the ops in a topological order (graphlib), or an error naming
 * the ops of a cycle.
 */
export function prune(fetches: readonly Tensor[], targets: readonly Operation[], feeds: readonly Tensor[]): PrunedGraph {
  const fed = new Set(feeds);
  const needed = new Set<Operation>();
  const stack: Operation[] = [];
  const want = (op: Operation): void => {
    if (!needed.has(op)) {
      needed.add(op);
      stack.push(op);
    }
  };
  for (const t of fetches) if (!fed.has(t)) want(t.op);
  for (const op of targets) want(op);
  while (stack.length > 0) {
    const op = stack.pop()!;
    for (const t of op.inputs) if (!fed.has(t)) want(t.op);
    for (const c of op.controlInputs) want(c);
  }
  return { ops: topologicalOrder(needed, fed), fetches, targets, feeds };
}

function topologicalOrder(ops: ReadonlySet<Operation>, fed: ReadonlySet<Tensor>): Operation[] {
  const g = new DiGraph({ directed: true });
  const byName = new Map<string, Operation>();
  // creation order is already topological unless control inputs were added after the fact,
  // so seeding graphlib in that order keeps the common order stable and readable
  const ordered = [...ops].sort((a, b) => creationIndex(a) - creationIndex(b));
  for (const op of ordered) {
    g.setNode(op.name);
    byName.set(op.name, op);
  }
  for (const op of ordered) {
    // a loop's back edge (NextIteration -> Merge) is not an ordering constraint: the executor runs it per iteration
    op.inputs.forEach((t, i) => !fed.has(t) && ops.has(t.op) && !isBackEdge(op, i) && g.setEdge(t.op.name, op.name));
    for (const c of op.controlInputs) if (ops.has(c)) g.setEdge(c.name, op.name);
  }
  if (!alg.isAcyclic(g)) {
    const cycles = alg.findCycles(g);
    const cycle = cycles[0] ?? [];
    throw new InvalidArgumentError(
      `Graph is invalid, contains a cycle with ${cycle.length} nodes, including: ${cycle.slice().reverse().join(', ')}`,
    );
  }
  return alg.topsort(g).map((n: string) => byName.get(n)!);
}

const indexCache = new WeakMap<Operation, number>();
function creationIndex(op: Operation): number {
  let i = indexCache.get(op);
  if (i === undefined) {
    op.graph.getOperations().forEach((o, k) => indexCache.set(o, k));
    i = indexCache.get(op) ?? 0;
  }
  return i;
}
