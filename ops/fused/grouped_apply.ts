import { defineOp, OpDef } from '../op_def.js';
import type { GroupMember } from '../lowering.js';

export type { GroupMember } from '../lowering.js';

/**
 * The optimizer updates of one step, grouped into one node: a single kernel launch that applies
 * every member's update in order (each member reads and writes its own variables through the run's
 * transactional variable store, exactly as it would alone). Inputs and outputs are the members',
 * concatenated; the ref inputs are the members' refs at their offsets.
 */
export function groupedApplyDef(members: readonly GroupMember[]): OpDef {
  const refInputs = members.flatMap((m) => (m.def.refInputs ?? []).map((r) => m.inputStart + r));
  return defineOp({
    type: '_GroupedApply',
    infer(inputs, _a, ctx) {
      return members.flatMap((m) => m.def.infer(inputs.slice(m.inputStart, m.inputStart + m.inputCount), m.attrs as never, { ...ctx, opName: m.name }));
    },
    lowering: { kind: 'grouped', members },
    grad: 'none',
    stateful: true,
    refInputs,
  });
}
