import type { Pass } from './pass.js';
import type { Program, ProgramNode } from './program.js';

/**
 * Dead-node elimination on the IR: keeps what the fetches and targets reach through data and
 * control edges (and a live loop Merge's back edges). The Graph-level prune (prune.ts) chose the ops; this one removes what later
 * rewrites left unused (folded inputs, merged duplicates, absorbed producers).
 */
export const prunePass: Pass = {
  name: 'prune',
  run(program) {
    return { program: pruneProgram(program) };
  },
};

export function pruneProgram(program: Program): Program {
  const backEdges = loopBackEdges(program);
  const live = new Set<ProgramNode>();
  const stack: ProgramNode[] = [];
  const want = (n: ProgramNode): void => {
    if (!live.has(n)) {
      live.add(n);
      stack.push(n);
    }
  };
  for (const v of program.fetches) want(v.node);
  for (const t of program.targets) want(t);
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const v of n.inputs) want(v.node);
    for (const c of n.controlInputs) want(c);
    for (const b of backEdges.get(n.name) ?? []) want(b);
  }
  if (live.size >= program.nodes.length && program.nodes.every((n) => live.has(n))) return program;
  return { ...program, nodes: program.nodes.filter((n) => live.has(n)) };
}

/**
 * The NextIteration nodes feeding each loop Merge, by the Merge's name: the back edge is not an
 * input in the IR (see lowerProgram), so a live Merge keeps them through this map.
 */
export function loopBackEdges(program: Program): Map<string, ProgramNode[]> {
  const out = new Map<string, ProgramNode[]>();
  for (const n of program.nodes) {
    const merges = n.attrs._loop_merge;
    if (!Array.isArray(merges)) continue;
    for (const m of merges as readonly string[]) {
      const list = out.get(m);
      if (list) list.push(n);
      else out.set(m, [n]);
    }
  }
  return out;
}
