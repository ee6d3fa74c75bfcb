import { AttrMap, Graph, InternalError, Tensor } from '../graph/ir/index.js';
import type { Program, ProgramNode, ProgramValue } from '../graph/passes/program.js';
import { exprKey } from '../ops/elementwise/scalar_expr.js';

/** Epilogues TF's own _FusedMatMul/_FusedConv2D express: a bias, then at most one activation. */
const TF_ACTIVATIONS = new Set(['Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Tanh', 'Sigmoid']);

/**
 * The optimised program as a Graph, to draw (`tg.tools.toDot`), export (`toGraphDef`) and diff
 * with the usual tools. Fed tensors become Placeholders of the fed shape; fused nodes become ops:
 * `FusedElementwise` and `_FusedReduce` carry their expression as an `expr` attr; `_FusedMatMul`
 * and `_FusedConv2D` carry TF's `fused_ops` and `num_args`, and where the epilogue is not TF's
 * bias-then-activation form, also our `epilogue` expression. The graph describes; it does not run
 * (fused ops are built per compilation and are not in the op registry). A node standing for several
 * user ops (a fused region, grouped updates) lists them in `_fused_ops`, which the drawing tools
 * (`toDot`, the HTML viewer) outline as a region. Program names are cleaned to names a Graph takes.
 */
export function programToGraph(program: Program): Graph {
  const g = new Graph();
  const tensorOf = new Map<ProgramValue, Tensor>();
  const opOf = new Map<ProgramNode, ReturnType<Graph['addOp']>>();
  for (const f of program.feeds) {
    const v = f.value;
    const name = cleanName(f.tensor.index === 0 ? f.tensor.op.name : `${f.tensor.op.name}_${f.tensor.index}`);
    const op = g.addOp({ type: 'Placeholder', name, inputs: [], attrs: { dtype: v.dtype, shape: v.shape }, outputs: [{ dtype: v.dtype, shape: v.shape }] });
    tensorOf.set(v, op.outputs[0]);
  }
  for (const n of program.nodes) {
    const inputs = n.inputs.map((v) => {
      const t = tensorOf.get(v);
      if (!t) throw new InternalError(`programToGraph: input ${v.node.name}:${v.index} of '${n.name}' comes before its producer`);
      return t;
    });
    const controlInputs = n.controlInputs.map((c) => opOf.get(c)).filter((c) => c !== undefined);
    const add = () => g.addOp({ type: n.type, name: cleanName(n.name), inputs, attrs: withMembers(n, attrsOf(n)), outputs: n.outputs.map((o) => ({ dtype: o.dtype, shape: o.shape })), controlInputs });
    const op = n.device ? g.device(n.device, add) : add();
    opOf.set(n, op);
    n.outputs.forEach((o, i) => tensorOf.set(o, op.outputs[i]));
  }
  return g;
}

/** Op names a Graph accepts: a program's synthetic names may hold other characters. */
const cleanName = (s: string): string => s.replace(/[^A-Za-z0-9_.\-/>]/g, '_').replace(/^[^A-Za-z0-9.]/, 'n').replace(/\/+$/, '') || 'node';

/** `_fused_ops`: the user ops a node stands for, when it is more than itself. */
function withMembers(n: ProgramNode, attrs: AttrMap): AttrMap {
  const members = n.origin.filter((o) => o.name !== n.name || o.type !== n.type);
  return n.origin.length > 1 || members.length > 0 ? { ...attrs, _fused_ops: n.origin.map((o) => `${o.name} (${o.type})`) } : attrs;
}

/** The node's attrs, with the fused kinds' expressions written out. */
function attrsOf(n: ProgramNode): AttrMap {
  const low = n.def.lowering;
  if (n.type === 'FusedElementwise' && low.kind === 'elementwise') return { ...n.attrs, expr: exprKey(low.expr(n.attrs)) };
  if (low.kind === 'elementwise-reduce') return { ...n.attrs, expr: exprKey(low.expr), reduction: low.reduction };
  if (low.kind === 'epilogue') {
    const ops = n.origin.slice(1).map((o) => o.type);
    const numArgs = n.inputs.length - low.arity;
    const tfForm = numArgs === 1 && (ops[0] === 'BiasAdd' || ops[0] === 'Add' || ops[0] === 'AddV2') && ops.length <= 2 && (ops.length === 1 || TF_ACTIVATIONS.has(ops[1]));
    const fused = tfForm ? ['BiasAdd', ...ops.slice(1)] : ops;
    return { ...n.attrs, fused_ops: fused, num_args: numArgs, ...(tfForm ? {} : { epilogue: exprKey(low.epilogue) }) };
  }
  return n.attrs;
}
