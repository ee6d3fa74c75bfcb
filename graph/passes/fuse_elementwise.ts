import { fusedElementwiseDef } from '../../ops/fused/fused_elementwise.js';
import { arg, lit, ScalarExpr, substitute } from '../../ops/elementwise/scalar_expr.js';
import { isElementwise } from './elementwise_node.js';
import type { FusedRegion, Pass } from './pass.js';
import type { NDArray } from '../ir/index.js';
import { constValue, makeNode, ProgramNode, ProgramValue, rebuild, Uses, usesOf } from './program.js';

/**
 * Elementwise fusion: grows a region upward from each elementwise node (the region's root),
 * absorbing elementwise producers whose every reader is already in the region. A value needed
 * outside (fetched, a target, a control input, read by a node left out) is only ever a root, so
 * it stays materialised and nothing is computed twice for it. Each region of two or more nodes
 * becomes one FusedElementwise node whose expression is the members' expressions composed with
 * `substitute`; shared sub-expressions stay shared objects, so the generated loop computes them
 * once.
 */
export const fuseElementwisePass: Pass = {
  name: 'fuse-elementwise',
  run(program, ctx) {
    const uses = usesOf(program);
    const order = new Map(program.nodes.map((n, i) => [n, i]));
    const taken = new Set<ProgramNode>();
    const regions: { root: ProgramNode; members: ProgramNode[] }[] = [];
    for (let i = program.nodes.length - 1; i >= 0; i--) {
      const root = program.nodes[i];
      if (!isElementwise(root) || taken.has(root)) continue;
      const members = growRegion(root, uses, taken);
      if (members.size < 2 && !root.inputs.some(isScalarConst)) continue;
      for (const m of members) taken.add(m);
      regions.push({ root, members: [...members].sort((a, b) => order.get(a)! - order.get(b)!) });
    }
    if (regions.length === 0) return { program };
    const replace = new Map<ProgramValue, ProgramValue>();
    const replaceNode = new Map<ProgramNode, ProgramNode>();
    const drop = new Set<ProgramNode>();
    const insertBefore = new Map<ProgramNode, ProgramNode[]>();
    const fused: FusedRegion[] = [];
    for (const { root, members } of regions) {
      const node = fuseRegion(root, members, ctx.ids);
      for (const m of members) drop.add(m);
      replace.set(root.outputs[0], node.outputs[0]);
      replaceNode.set(root, node);
      insertBefore.set(root, [node]);
      fused.push({ node: node.name, kind: 'elementwise', ops: members.map((m) => m.type) });
    }
    return { program: rebuild(program, ctx.ids, { replace, replaceNode, drop, insertBefore }), fused };
  },
};

/**
 * A rank-0 Const that can be a literal: it broadcasts to anything, so inlining it changes no
 * shape. Only finite values other than -0: the CPU renderer spells -Infinity and -0 without
 * parentheses, and `x - -0` would render as `x--0`; those stay loop operands. A Const with a
 * control input (a cond branch's or loop body's, hung on its pivot) stays an operand too: as a
 * literal, the fused node would lose the edge that makes it dead with its branch.
 */
function isScalarConst(v: ProgramValue): boolean {
  const c = constValue(v);
  return c !== null && v.node.controlInputs.length === 0 && c.shape.length === 0 && Number.isFinite(c.data[0]) && !Object.is(c.data[0], -0);
}

function growRegion(root: ProgramNode, uses: Uses, taken: ReadonlySet<ProgramNode>): Set<ProgramNode> {
  const members = new Set<ProgramNode>([root]);
  // absorbing one producer can make another's readers all-inside: repeat until nothing joins
  for (let grew = true; grew; ) {
    grew = false;
    for (const m of [...members]) {
      for (const v of m.inputs) {
        const p = v.node;
        if (members.has(p) || taken.has(p) || !isElementwise(p) || p.device !== root.device) continue;
        if (uses.fetched.has(v) || uses.targeted.has(p) || uses.controlDependents.has(p)) continue;
        if (!(uses.readers.get(v) ?? []).every((r) => members.has(r))) continue;
        members.add(p);
        grew = true;
      }
    }
  }
  return members;
}

function fuseRegion(root: ProgramNode, members: readonly ProgramNode[], ids: Parameters<typeof makeNode>[0]): ProgramNode {
  const inside = new Set(members);
  const leaves: ProgramValue[] = [];
  const exprOf = new Map<ProgramNode, ScalarExpr>();
  const leafArg = (v: ProgramValue): ScalarExpr => {
    // rank-0 constants become literals: no Const step, no loop operand
    if (isScalarConst(v)) return lit((constValue(v) as NDArray).data[0], v.dtype);
    let i = leaves.indexOf(v);
    if (i < 0) i = leaves.push(v) - 1;
    return arg(i);
  };
  for (const m of members) {
    if (m.def.lowering.kind !== 'elementwise') continue;
    const own = m.def.lowering.expr(m.attrs);
    exprOf.set(m, substitute(own, m.inputs.map((v) => (inside.has(v.node) ? exprOf.get(v.node)! : leafArg(v)))));
  }
  const out = root.outputs[0];
  const controls: ProgramNode[] = [];
  for (const m of members) for (const c of m.controlInputs) if (!inside.has(c) && !controls.includes(c)) controls.push(c);
  return makeNode(ids, {
    name: `${root.name}/fused`,
    type: 'FusedElementwise',
    def: fusedElementwiseDef(exprOf.get(root)!, out.dtype),
    attrs: {},
    inputs: leaves,
    controlInputs: controls,
    outputs: [{ dtype: out.dtype, shape: out.shape }],
    origin: members.flatMap((m) => m.origin),
    traceback: root.traceback,
  });
}
