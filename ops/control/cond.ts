import { getDefaultGraph, InvalidArgumentError, Operation, Tensor } from '../../graph/ir/index.js';
import { graphOf, TensorLike, toTensor } from '../builder.js';
import { identity } from './control.js';
import { CondContext } from './contexts.js';
import { merge, switchOp } from './control_flow.js';
import { assertSameStructure, flatten, Leaf, pack, Structure, TensorStructure } from './nest.js';

export interface CondOptions {
  name?: string;
}

/**
 * TF1's tf.cond, built as TF1 builds it: Switch(pred, pred) gives each branch a pivot, each
 * branch function runs inside a CondContext (outside tensors it reads come in through
 * Switch(x, pred), ops with no inputs depend on the pivot) and a Merge per output joins the
 * branches. When the session runs it, only the taken branch executes; the other side's values
 * are dead. Both functions must return the same structure of tensors of the same dtypes.
 */
export function cond<S>(pred: TensorLike | boolean, trueFn: () => S, falseFn: () => S, options: CondOptions = {}): TensorStructure<S> {
  return buildCond(pred, trueFn as () => Structure, falseFn as () => Structure, options) as TensorStructure<S>;
}

function buildCond(pred: TensorLike | boolean, trueFn: () => Structure, falseFn: () => Structure, options: CondOptions): Structure {
  const graph = typeof pred === 'boolean' ? getDefaultGraph() : graphOf([pred]);
  return graph.nameScope(options.name ?? 'cond', () => {
    const p = toTensor(typeof pred === 'boolean' ? pred : pred, 'bool', graph);
    if (p.dtype !== 'bool') throw new InvalidArgumentError(`cond: pred must be a bool tensor, got ${p.dtype} (${p.name})`);
    if (p.shape !== null && p.shape.length !== 0) throw new InvalidArgumentError(`cond: pred must be a scalar, got shape [${p.shape.join(',')}] (${p.name})`);
    const [pf, pt] = switchOp(p, p);
    const pivotT = identity(pt, 'switch_t');
    const pivotF = identity(pf, 'switch_f');
    const predId = identity(p, 'pred_id');
    const outer = graph.controlFlowContext;
    // TF builds the true branch first (names follow: cond/..., then cond/..._1)
    const ctxT = new CondContext(graph, outer, predId, pivotT, 1);
    const resT = buildBranch(ctxT, trueFn);
    const ctxF = new CondContext(graph, outer, predId, pivotF, 0);
    const resF = buildBranch(ctxF, falseFn);
    assertSameStructure(resT.structure, resF.structure, 'cond: true_fn and false_fn outputs');
    const merged = resT.flat.map((t, i) => {
      const f = resF.flat[i];
      if (t.dtype !== f.dtype) {
        throw new InvalidArgumentError(`cond: outputs of true_fn and false_fn must have the same type: output ${i} is ${t.dtype} in true_fn (${t.name}) and ${f.dtype} in false_fn (${f.name})`);
      }
      const m = merge([f, t])[0];
      return resT.ops[i] ? m.op : m;
    });
    return pack(resT.structure, merged) as Structure;
  });
}

interface Branch {
  structure: Structure;
  flat: Tensor[];
  /** Whether each leaf was an Operation (the merged result is then returned as an op). */
  ops: boolean[];
}

function buildBranch(ctx: CondContext, fn: () => Structure): Branch {
  const graph = ctx.graph;
  return graph.withControlFlowContext(ctx, () => {
    const structure = fn();
    const leaves = flatten(structure);
    const ops = leaves.map((l) => l instanceof Operation);
    const flat = leaves.map((l: Leaf): Tensor => {
      // an op result: a pivot copy that runs after it, so the Merge says "this branch's op ran"
      if (l instanceof Operation) return graph.controlDependencies([l], () => identity(ctx.pivotTensor));
      return ctx.capture(toTensor(l, undefined, graph));
    });
    return { structure, flat, ops };
  });
}

export interface CaseOptions<S> {
  /** Runs when no predicate is true; without it the last pair's function is the default. */
  default?: () => S;
  /** Accepted as TF's; the predicates are not checked for exclusivity at run time. */
  exclusive?: boolean;
  name?: string;
}

/**
 * TF1's tf.case: the function of the first true predicate runs (nested conds, as TF1 builds
 * them); with no true predicate, `default` runs (or, without one, the last pair's function).
 */
export function caseOp<S>(pairs: readonly (readonly [TensorLike | boolean, () => S])[], options: CaseOptions<S> = {}): TensorStructure<S> {
  if (pairs.length === 0 && !options.default) throw new InvalidArgumentError('case: needs at least one (pred, fn) pair or a default');
  const graph = graphOf(pairs.map(([p]) => p));
  return graph.nameScope(options.name ?? 'case', () => {
    let list = pairs;
    let fallback = options.default;
    if (!fallback) {
      fallback = pairs[pairs.length - 1][1];
      list = pairs.slice(0, -1);
    }
    if (list.length === 0) return fallback() as unknown as TensorStructure<S>;
    const fns = list.map(([p, f]) => [p, f as () => Structure] as const);
    const last = fallback as () => Structure;
    const build = (k: number): Structure => (k === fns.length ? last() : buildCond(fns[k][0], fns[k][1], () => build(k + 1), { name: `If_${k}` }));
    return buildCond(fns[0][0], fns[0][1], () => build(1), { name: 'If_0' }) as TensorStructure<S>;
  });
}
