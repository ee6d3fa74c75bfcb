import { REF_VARIABLE_TYPES } from '../../ops/state/variable_source.js';
import { groupedApplyDef, GroupMember } from '../../ops/fused/grouped_apply.js';
import { FusedRegion, Pass, targetRuns } from './pass.js';
import { makeNode, ProgramNode, ProgramValue, rebuild } from './program.js';

/** The per-variable update ops optimizers emit (ops/optimizer). */
export const UPDATE_OPS: ReadonlySet<string> = new Set(['ApplyGradientDescent', 'ApplyMomentum', 'ApplyAdagrad', 'ApplyRMSProp', 'ApplyAdam', 'ApplyAdadelta', 'ApplyFtrl', 'ApplyFtrlV2']);

/**
 * Optimizer-update grouping: the Apply* nodes of one type in a step become one `_GroupedApply`
 * node placed where the last of them was, so a step launches O(1) update kernels however many
 * variables it trains. Moving the earlier members later is only safe when nothing in between
 * depends on them, reads or writes their variables, or has effects of its own; otherwise that
 * type is left ungrouped.
 */
export const groupUpdatesPass: Pass = {
  name: 'group-updates',
  run(program, ctx) {
    if (!targetRuns(ctx, 'grouped')) return { program, notes: [`${ctx.target?.backend} runs no grouped updates`] };
    const byType = new Map<string, number[]>();
    program.nodes.forEach((n, i) => {
      if (!UPDATE_OPS.has(n.type)) return;
      const list = byType.get(n.type);
      if (list) list.push(i);
      else byType.set(n.type, [i]);
    });
    const replace = new Map<ProgramValue, ProgramValue>();
    const replaceNode = new Map<ProgramNode, ProgramNode>();
    const drop = new Set<ProgramNode>();
    const insertBefore = new Map<ProgramNode, ProgramNode[]>();
    const fused: FusedRegion[] = [];
    const notes: string[] = [];
    const valueRead = new Set<ProgramNode>();
    for (const n of program.nodes) n.inputs.forEach((v, i) => !n.def.refInputs?.includes(i) && valueRead.add(v.node));
    for (const v of program.fetches) valueRead.add(v.node);
    for (const [type, positions] of byType) {
      if (positions.length < 2) continue;
      if (new Set(positions.map((i) => program.nodes[i].device)).size > 1) {
        notes.push(`${type} left ungrouped: its updates are pinned to different devices`);
        continue;
      }
      const members = positions.map((i) => program.nodes[i]);
      const memberSet = new Set(members);
      const variables = new Set(members.flatMap((m) => (m.def.refInputs ?? []).map((r) => m.inputs[r].node)));
      const first = positions[0];
      const last = positions[positions.length - 1];
      let blocked: ProgramNode | null = null;
      for (let i = first + 1; i < last && !blocked; i++) {
        const n = program.nodes[i];
        if (memberSet.has(n)) continue;
        const dependent = n.inputs.some((v) => memberSet.has(v.node)) || n.controlInputs.some((c) => memberSet.has(c));
        // a variable only named by refs reads nothing; one read as a value must see the old order
        const movedRead = variables.has(n) && valueRead.has(n);
        if (dependent || movedRead || (n.def.stateful && !REF_VARIABLE_TYPES.has(n.type))) blocked = n;
      }
      if (blocked) {
        notes.push(`${type} left ungrouped: '${blocked.name}' sits between its updates`);
        continue;
      }
      const spec: GroupMember[] = [];
      let inputStart = 0;
      let outputStart = 0;
      for (const m of members) {
        spec.push({ def: m.def, attrs: m.attrs, name: m.name, inputStart, inputCount: m.inputs.length, outputStart, outputCount: m.outputs.length });
        inputStart += m.inputs.length;
        outputStart += m.outputs.length;
      }
      const controls: ProgramNode[] = [];
      for (const m of members) for (const c of m.controlInputs) if (!controls.includes(c)) controls.push(c);
      const node = makeNode(ctx.ids, {
        name: `${type}/grouped_${members.length}`,
        type: '_GroupedApply',
        def: groupedApplyDef(spec),
        attrs: {},
        inputs: members.flatMap((m) => m.inputs),
        controlInputs: controls,
        outputs: members.flatMap((m) => m.outputs.map((o) => ({ dtype: o.dtype, shape: o.shape }))),
        origin: members.flatMap((m) => m.origin),
        traceback: members[members.length - 1].traceback,
      });
      let k = 0;
      for (const m of members) {
        for (const o of m.outputs) replace.set(o, node.outputs[k++]);
        replaceNode.set(m, node);
        drop.add(m);
      }
      insertBefore.set(members[members.length - 1], [node]);
      fused.push({ node: node.name, kind: 'update', ops: members.map((m) => m.type) });
    }
    if (fused.length === 0) return notes.length ? { program, notes } : { program };
    return { program: rebuild(program, ctx.ids, { replace, replaceNode, drop, insertBefore }), fused, notes };
  },
};
