import { fusedReduceDef } from '../../ops/fused/fused_reduce.js';
import { FusedRegion, Pass, targetRuns } from './pass.js';
import { isElementwise } from './elementwise_node.js';
import { constValue, makeNode, ProgramNode, ProgramValue, rebuild, usesOf } from './program.js';

const KINDS: Readonly<Record<string, 'sum' | 'mean' | 'max' | 'min'>> = { Sum: 'sum', Mean: 'mean', Max: 'max', Min: 'min' };

/**
 * Reductions as a fused region's epilogue, where it pays: a float32 elementwise region (or single
 * elementwise op, in the sense of `isElementwise`: its value is the broadcast of its inputs, never
 * a BroadcastTo) read only by a reduction over all of its axes becomes one `_FusedReduce` loop
 * that folds each value as it is computed, so the region's output is never stored (a loss like
 * mean((y - t)^2) reads its operands once). Partial reductions keep their own kernel: their
 * output is a tensor, and the region's loop order would not match the reduce kernel's.
 */
export const fuseReductionPass: Pass = {
  name: 'fuse-reduction',
  run(program, ctx) {
    if (!targetRuns(ctx, 'elementwise-reduce')) return { program, notes: [`${ctx.target?.backend} runs no fused reductions`] };
    const uses = usesOf(program);
    const replace = new Map<ProgramValue, ProgramValue>();
    const replaceNode = new Map<ProgramNode, ProgramNode>();
    const drop = new Set<ProgramNode>();
    const insertBefore = new Map<ProgramNode, ProgramNode[]>();
    const fused: FusedRegion[] = [];
    for (const r of program.nodes) {
      const kind = KINDS[r.type];
      if (!kind || r.controlInputs.length > 0) continue;
      const [x, axes] = r.inputs;
      const ew = x.node;
      // the fused loop runs over the broadcast of the producer's inputs: only right when that is
      // the value reduced (a BroadcastTo's inputs are its source and a shape vector)
      if (!isElementwise(ew) || ew.def.lowering.kind !== 'elementwise' || x.dtype !== 'float32' || drop.has(ew) || ew.device !== r.device) continue;
      if (uses.fetched.has(x) || uses.targeted.has(ew) || uses.controlDependents.has(ew)) continue;
      if ((uses.readers.get(x) ?? []).some((n) => n !== r)) continue;
      const rank = x.shape?.length;
      const a = constValue(axes);
      if (rank === undefined || !a) continue;
      const all = new Set(Array.from(a.data, (v) => (v < 0 ? v + rank : v)));
      if (all.size !== rank || [...all].some((v) => v < 0 || v >= rank)) continue;
      const node = makeNode(ctx.ids, {
        name: `${r.name}/fused_reduce`,
        type: '_FusedReduce',
        def: fusedReduceDef(ew.def.lowering.expr(ew.attrs), kind, 'float32', r.attrs.keep_dims === true),
        attrs: {},
        inputs: ew.inputs,
        controlInputs: ew.controlInputs,
        outputs: [{ dtype: 'float32', shape: r.outputs[0].shape }],
        origin: [...ew.origin, ...r.origin],
        traceback: r.traceback,
      });
      drop.add(ew);
      drop.add(r);
      replace.set(r.outputs[0], node.outputs[0]);
      replaceNode.set(r, node);
      insertBefore.set(r, [node]);
      fused.push({ node: node.name, kind: 'reduction', ops: [...(ew.type === 'FusedElementwise' ? ew.origin.map((o) => o.type) : [ew.type]), r.type] });
    }
    if (fused.length === 0) return { program };
    return { program: rebuild(program, ctx.ids, { replace, replaceNode, drop, insertBefore }), fused };
  },
};
