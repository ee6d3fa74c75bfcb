import { REF_VARIABLE_TYPES } from '../../ops/state/variable_ops.js';
import { InternalError } from '../ir/index.js';
import type { Program, ProgramNode } from './program.js';

/**
 * The IR's invariants, checked between passes in tests and in debug mode: ids unique, every input
 * and control input produced by an earlier node or a feed (so the order is topological and
 * acyclic), output values pointing at their node, fetches and targets present, ref inputs fed by
 * variables.
 */
export function verifyProgram(program: Program, after = 'lowering'): void {
  const problems: string[] = [];
  const seen = new Set<ProgramNode>();
  const ids = new Set<number>();
  for (const f of program.feeds) {
    seen.add(f.value.node);
    ids.add(f.value.node.id);
  }
  for (const n of program.nodes) {
    if (ids.has(n.id)) problems.push(`duplicate node id ${n.id} ('${n.name}')`);
    ids.add(n.id);
    n.outputs.forEach((o, i) => {
      if (o.node !== n || o.index !== i) problems.push(`output ${i} of '${n.name}' points at ${o.node.name}:${o.index}`);
    });
    n.inputs.forEach((v, i) => {
      if (!seen.has(v.node)) problems.push(`input ${i} of '${n.name}' (${v.node.name}:${v.index}) is not produced before it`);
      else if (v.node.outputs[v.index] !== v) problems.push(`input ${i} of '${n.name}' is not an output of '${v.node.name}'`);
      if (n.def.refInputs?.includes(i) && !REF_VARIABLE_TYPES.has(v.node.type)) problems.push(`ref input ${i} of '${n.name}' is produced by ${v.node.type}`);
    });
    for (const c of n.controlInputs) if (!seen.has(c)) problems.push(`control input '${c.name}' of '${n.name}' does not come before it`);
    seen.add(n);
  }
  program.fetches.forEach((v, i) => {
    if (!seen.has(v.node)) problems.push(`fetch ${i} (${v.node.name}:${v.index}) is not in the program`);
  });
  for (const t of program.targets) if (!seen.has(t)) problems.push(`target '${t.name}' is not in the program`);
  if (problems.length > 0) throw new InternalError(`Program verification failed after ${after}:\n  ${problems.join('\n  ')}`);
}
