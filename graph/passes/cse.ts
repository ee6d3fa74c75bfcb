import { attrKey, bytesEqual, NDArray } from '../ir/index.js';
import type { Pass } from './pass.js';
import { ProgramNode, ProgramValue, rebuild } from './program.js';

/** Largest Const compared element by element; bigger ones are never merged. */
const CONST_COMPARE_LIMIT = 4096;

/**
 * Common-subexpression elimination: two stateless nodes with the same def, attrs, inputs and
 * control inputs compute the same values, so the later one's readers (and control dependents, and
 * fetches) move to the earlier one. Stateful nodes (variables, assignments, random ops) and ref
 * users are never merged: each runs as written. Consts merge only when their values are equal.
 */
export const csePass: Pass = {
  name: 'cse',
  run(program, ctx) {
    const seen = new Map<string, ProgramNode[]>();
    const replace = new Map<ProgramValue, ProgramValue>();
    const replaceNode = new Map<ProgramNode, ProgramNode>();
    const drop = new Set<ProgramNode>();
    const canon = (v: ProgramValue): ProgramValue => replace.get(v) ?? v;
    const canonNode = (n: ProgramNode): ProgramNode => replaceNode.get(n) ?? n;
    for (const n of program.nodes) {
      if (n.def.stateful || n.def.refInputs?.length || n.type === 'Placeholder' || n.type === '_Feed') continue;
      if (n.type === 'Const' && (n.attrs.value as NDArray).size > CONST_COMPARE_LIMIT) continue;
      const inputs = n.inputs.map(canon);
      const controls = n.controlInputs.map(canonNode).map((c) => c.id).sort((a, b) => a - b);
      // nodes pinned to different devices stay apart: each runs where its user put it
      const key = `${n.type}@${n.device}|${attrKey(n.attrs)}|${inputs.map((v) => `${v.node.id}:${v.index}`).join(',')}|^${controls.join(',')}`;
      const bucket = seen.get(key) ?? [];
      const same = bucket.find((m) => m.def === n.def && (n.type !== 'Const' || sameValue(m.attrs.value as NDArray, n.attrs.value as NDArray)));
      if (!same) {
        bucket.push(n);
        seen.set(key, bucket);
        continue;
      }
      n.outputs.forEach((o, i) => replace.set(o, same.outputs[i]));
      replaceNode.set(n, same);
      drop.add(n);
    }
    if (drop.size === 0) return { program };
    return { program: rebuild(program, ctx.ids, { replace, replaceNode, drop }), rewritten: drop.size };
  },
};

function sameValue(a: NDArray, b: NDArray): boolean {
  if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) return false;
  if (a.dtype === 'string') return a.bytes.every((x, i) => bytesEqual(x, b.bytes[i]));
  for (let i = 0; i < a.data.length; i++) if (!Object.is(a.data[i], b.data[i])) return false;
  return true;
}
