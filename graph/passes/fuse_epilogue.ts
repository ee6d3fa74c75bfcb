import { isFullyDefined, PartialShape } from '../ir/index.js';
import { arg, ScalarExpr, substitute } from '../../ops/elementwise/scalar_expr.js';
import { fusedConv2DDef, fusedMatMulDef } from '../../ops/fused/fused_matmul.js';
import { FusedRegion, Pass, targetRuns } from './pass.js';
import { isElementwise } from './elementwise_node.js';
import { makeNode, ProgramNode, ProgramValue, rebuild, usesOf } from './program.js';

/**
 * Epilogue fusion: a float32 MatMul or Conv2D whose only reader is an elementwise node (usually the
 * FusedElementwise that elementwise fusion made of bias Add + activation + residual Add) becomes
 * one `_FusedMatMul` / `_FusedConv2D` node that applies that node's expression to the product's
 * output buffer in the same kernel call. Only when the elementwise output has exactly the product's shape:
 * the epilogue runs in place over the product, so it may not broadcast it to something larger.
 * That is known statically when both shapes are fully defined and equal, and also when a dim is
 * unknown (the batch of `relu(matMul(x, W) + b)` with `x: [?, 784]`) but every other operand
 * broadcasts into the product: each of its dims is 1 or a known dim of the product.
 */
export const fuseEpiloguePass: Pass = {
  name: 'fuse-epilogue',
  run(program, ctx) {
    if (!targetRuns(ctx, 'epilogue')) return { program, notes: [`${ctx.target?.backend} runs no epilogue kernels`] };
    const uses = usesOf(program);
    const replace = new Map<ProgramValue, ProgramValue>();
    const replaceNode = new Map<ProgramNode, ProgramNode>();
    const drop = new Set<ProgramNode>();
    const insertBefore = new Map<ProgramNode, ProgramNode[]>();
    const fused: FusedRegion[] = [];
    for (const ew of program.nodes) {
      if (!isElementwise(ew)) continue;
      const out = ew.outputs[0];
      const product = ew.inputs.find((v) => {
        const mm = v.node;
        if ((mm.type !== 'MatMul' && mm.type !== 'Conv2D') || v.dtype !== 'float32' || drop.has(mm) || mm.device !== ew.device) return false;
        if (uses.fetched.has(v) || uses.targeted.has(mm) || uses.controlDependents.has(mm)) return false;
        if ((uses.readers.get(v) ?? []).some((r) => r !== ew)) return false;
        return out.dtype === 'float32' && epilogueKeepsShape(v.shape, out.shape, ew.inputs.filter((x) => x !== v));
      });
      if (!product) continue;
      if (ew.def.lowering.kind !== 'elementwise') continue;
      const mm = product.node;
      const extras: ProgramValue[] = [];
      const args: ScalarExpr[] = ew.inputs.map((v) => {
        if (v === product) return arg(0);
        let i = extras.indexOf(v);
        if (i < 0) i = extras.push(v) - 1;
        return arg(1 + i);
      });
      const epilogue = substitute(ew.def.lowering.expr(ew.attrs), args);
      const controls = [...mm.controlInputs, ...ew.controlInputs.filter((c) => !mm.controlInputs.includes(c))];
      const isConv = mm.type === 'Conv2D';
      const node = makeNode(ctx.ids, {
        name: `${ew.name.replace(/\/fused$/, '')}/${isConv ? 'fused_conv2d' : 'fused_matmul'}`,
        type: isConv ? '_FusedConv2D' : '_FusedMatMul',
        def: isConv ? fusedConv2DDef(epilogue) : fusedMatMulDef(epilogue),
        attrs: mm.attrs,
        inputs: [...mm.inputs, ...extras],
        controlInputs: controls,
        outputs: [{ dtype: out.dtype, shape: out.shape }],
        origin: [...mm.origin, ...ew.origin],
        traceback: ew.traceback,
      });
      drop.add(mm);
      drop.add(ew);
      replace.set(out, node.outputs[0]);
      replaceNode.set(ew, node);
      insertBefore.set(ew, [node]);
      fused.push({ node: node.name, kind: 'epilogue', ops: [mm.type, ...(ew.type === 'FusedElementwise' ? ew.origin.map((o) => o.type) : [ew.type])] });
    }
    if (fused.length === 0) return { program };
    return { program: rebuild(program, ctx.ids, { replace, replaceNode, drop, insertBefore }), fused };
  },
};

/** The epilogue's output is the product's shape, whatever the product's unknown dims turn out to be. */
function epilogueKeepsShape(product: PartialShape, out: PartialShape, others: readonly ProgramValue[]): boolean {
  if (product === null || out === null || product.length !== out.length) return false;
  if (isFullyDefined(product) && isFullyDefined(out)) return product.every((d, i) => d === out[i]);
  return others.every((x) => {
    const s = x.shape;
    if (s === null || s.length > product.length) return false;
    const off = product.length - s.length;
    return s.every((d, i) => d === 1 || (d !== null && d === product[off + i]));
  });
}
