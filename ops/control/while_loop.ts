import { formatShape, InvalidArgumentError, Operation, PartialShape, Tensor } from '../../graph/ir/index.js';
import { graphOf, TensorLike, toTensor } from '../builder.js';
import { less, logicalAnd } from '../elementwise/compare.js';
import { add } from '../elementwise/math_binary.js';
import { identity } from './control.js';
import { WhileContext } from './contexts.js';
import { enter, exit, loopCond, merge, nextIteration, switchOp } from './control_flow.js';
import { assertSameStructure, flatten, Leaf, pack, Structure, TensorStructure } from './nest.js';
import { LoopRecord, recordLoop } from './while_record.js';

export interface WhileLoopOptions {
  /** Stops after this many iterations even when cond is still true (a counter loop variable, as TF1). */
  maximumIterations?: TensorLike;
  /** Per loop variable (same structure as loopVars): the shape each keeps across iterations; default its initial shape. */
  shapeInvariants?: unknown;
  /** TF's parallel_iterations (default 10): accepted and recorded on the Enters; iterations run in order. */
  parallelIterations?: number;
  /** Accepted as TF's; gradients are always available. */
  backProp?: boolean;
  /** Accepted as TF's; there is no GPU-host swapping here. */
  swapMemory?: boolean;
  name?: string;
}

type Vars = readonly Structure[];

/**
 * TF1's tf.while_loop, built as TF1 builds it, with no unrolling: each loop variable enters the
 * frame (Enter), meets its next value at a Merge, is split by a Switch on LoopCond(cond(...)),
 * goes through the body (from an Identity of the Switch's true side) to a NextIteration that feeds
 * the Merge back, and leaves through an Exit on the false side. `cond` and `body` take the loop
 * variables as arguments; `body` returns them (an array, or one value for one variable). Tensors
 * the functions read from outside come in through Enter(is_constant). Each variable keeps its
 * shape invariant (its initial shape unless `shapeInvariants` says less): a body that changes it is
 * an error naming the variable.
 */
/** The loop variables as cond and body receive them (and whileLoop returns them): tensors, same structure. */
export type LoopTensors<V extends readonly unknown[]> = { -readonly [K in keyof V]: TensorStructure<V[K]> };

export function whileLoop<V extends readonly unknown[]>(cond: (...vars: LoopTensors<V>) => TensorLike, body: (...vars: LoopTensors<V>) => Vars | Structure, loopVars: V, options: WhileLoopOptions = {}): LoopTensors<V> {
  return buildWhile(cond as unknown as (...v: Structure[]) => TensorLike, body as unknown as (...v: Structure[]) => Vars | Structure, loopVars as unknown as Vars, options).result as unknown as LoopTensors<V>;
}

function buildWhile(userCond: (...v: Structure[]) => TensorLike, userBody: (...v: Structure[]) => Vars | Structure, loopVars: Vars, options: WhileLoopOptions): { result: Structure[]; record: LoopRecord } {
  if (!Array.isArray(loopVars) || loopVars.length === 0) throw new InvalidArgumentError('whileLoop: loopVars must be a non-empty array');
  const graph = graphOf(flatten(loopVars as Structure));
  return graph.nameScope(options.name ?? 'while', (scope) => {
    let invariants = options.shapeInvariants as Structure | undefined;
    // An iteration counter rides along as the first loop variable, as TF1 adds one for
    // maximum_iterations; here always, since the loop's gradient runs its backward loop that many times.
    const maxIt = options.maximumIterations === undefined ? null : toTensor(options.maximumIterations, 'int32', graph);
    if (maxIt && maxIt.shape !== null && maxIt.shape.length !== 0) throw new InvalidArgumentError(`whileLoop: maximumIterations must be a scalar, got shape ${formatShape(maxIt.shape)}`);
    const counter = toTensor(0, maxIt?.dtype ?? 'int32', graph, 'iteration_counter');
    const vars: Vars = [counter, ...loopVars];
    const condFn = (...[i, ...v]: Structure[]): TensorLike => (maxIt ? logicalAnd(less(i as Tensor, maxIt), toTensor(userCond(...v), 'bool', graph)) : userCond(...v));
    const bodyFn = (...[i, ...v]: Structure[]): Vars => [add(i as Tensor, 1), ...asList(userBody(...v), loopVars.length)];
    if (invariants !== undefined) invariants = [[] as unknown as Structure, ...(invariants as Structure[])];
    const flat = flatten(vars as Structure).map((v) => toTensor(leafTensor(v), undefined, graph));
    const shapes = invariantShapes(flat, invariants, vars);
    const parallelIterations = options.parallelIterations ?? 10;
    if (!Number.isInteger(parallelIterations) || parallelIterations <= 0) throw new InvalidArgumentError(`whileLoop: parallelIterations must be a positive integer, got ${parallelIterations}`);
    const ctx = new WhileContext(graph, graph.controlFlowContext, `${scope}while_context`, parallelIterations);
    const enters = graph.controlDependencies(null, () =>
      flat.map((x, i) => {
        const e = enter(x, ctx.frameName, { parallelIterations });
        e.setShape(shapes[i]);
        graph.setContextOf(e.op, ctx);
        return e;
      }),
    );
    const merges = graph.withControlFlowContext(ctx, () =>
      enters.map((e, i) => {
        const m = merge([e, e])[0];
        m.setShape(shapes[i]);
        return m;
      }),
    );
    ctx.pivotOp = merges[0].op;
    const pred = graph.withControlFlowContext(ctx, () => {
      const c = toTensor(condFn(...(pack(vars as Structure, merges) as Structure[])), 'bool', graph);
      if (c.dtype !== 'bool' || (c.shape !== null && c.shape.length !== 0)) {
        throw new InvalidArgumentError(`whileLoop: cond must return a scalar bool, got ${c.dtype}${formatShape(c.shape)} (${c.name})`);
      }
      return loopCond(ctx.capture(c));
    });
    const switches = graph.withControlFlowContext(ctx, () => merges.map((m) => switchOp(m, pred)));
    const ids = graph.withControlFlowContext(ctx, () => switches.map(([, t]) => identity(t)));
    ctx.pivotOp = ids[0].op;
    const next = graph.withControlFlowContext(ctx, () => {
      const out = bodyFn(...(pack(vars as Structure, ids) as Structure[]));
      assertSameStructure(vars as Structure, out as Structure, 'whileLoop: loopVars and the body result');
      const res = flatten(out as Structure).map((v, i) => ctx.capture(toTensor(leafTensor(v), flat[i].dtype, graph)));
      res.forEach((r, i) => {
        if (r.dtype !== flat[i].dtype) throw new InvalidArgumentError(`whileLoop: loop variable ${i} (${flat[i].name}) enters the loop as ${flat[i].dtype} but the body returns ${r.dtype} (${r.name})`);
        if (!shapeLessEq(r.shape, shapes[i])) {
          throw new InvalidArgumentError(
            `Input tensor '${flat[i].name}' enters the loop with shape ${formatShape(shapes[i])}, but has shape ${formatShape(r.shape)} after one iteration. To allow the shape to vary across iterations, use the \`shapeInvariants\` option of tg.whileLoop to specify a less-specific shape.`,
          );
        }
      });
      return res.map((r) => nextIteration(r));
    });
    merges.forEach((m, i) => graph.updateInput(m.op, 1, next[i]));
    const exits = graph.withControlFlowContext(ctx, () =>
      switches.map(([f], i) => {
        const x = exit(f);
        x.setShape(shapes[i]);
        return x;
      }),
    );
    const rebuild = (initial: readonly Tensor[]): LoopRecord => buildWhile(userCond, userBody, pack(loopVars as Structure, initial) as Vars, options).record;
    const record: LoopRecord = { context: ctx, enters, merges, switches, identities: ids, nexts: next, exits, pred, rebuild };
    recordLoop(record);
    const result = pack(vars as Structure, exits) as Structure[];
    return { result: result.slice(1), record };
  });
}

function leafTensor(v: Leaf): TensorLike {
  if (v instanceof Operation) throw new InvalidArgumentError(`whileLoop: a loop variable must be a tensor, got the operation '${v.name}'`);
  return v;
}

function asList(out: Vars | Structure, n: number): Vars {
  if (n === 1 && !(Array.isArray(out) && out.length === 1 && !(typeof out[0] === 'number'))) return [out as Structure];
  if (!Array.isArray(out)) throw new InvalidArgumentError(`whileLoop: body must return a list of ${n} loop variables`);
  return out as Vars;
}

/** `a` is at least as specific as `b` (TF's _ShapeLessThanOrEqual). */
function shapeLessEq(a: PartialShape, b: PartialShape): boolean {
  if (b === null) return true;
  if (a === null || a.length !== b.length) return false;
  return b.every((d, i) => d === null || a[i] === d);
}

function invariantShapes(flat: readonly Tensor[], invariants: Structure | undefined, vars: Vars): PartialShape[] {
  if (invariants === undefined) return flat.map((t) => t.shape);
  const given = flattenShapes(invariants);
  if (given.length !== flat.length) {
    throw new InvalidArgumentError(`whileLoop: shapeInvariants has ${given.length} shapes for ${flat.length} loop variables (${vars.length} at the top level)`);
  }
  return flat.map((t, i) => {
    const inv = given[i];
    if (!shapeLessEq(t.shape, inv)) {
      throw new InvalidArgumentError(
        `The shape invariant specified for ${t.name} is not compatible with the initial shape of the loop variable. It enters the loop with shape ${formatShape(t.shape)}, but the specified shape invariant is ${formatShape(inv)}.`,
      );
    }
    return inv;
  });
}

/** Shapes are leaves here: an array of numbers/nulls (or null for unknown rank) is one shape. */
function flattenShapes(s: unknown): PartialShape[] {
  const isShape = (x: unknown): boolean => x === null || (Array.isArray(x) && x.every((d) => d === null || typeof d === 'number'));
  if (isShape(s)) return [s as PartialShape];
  if (Array.isArray(s)) return s.flatMap(flattenShapes);
  if (typeof s === 'object' && s !== null) {
    const rec = s as Record<string, unknown>;
    return Object.keys(rec)
      .sort()
      .flatMap((k) => flattenShapes(rec[k]));
  }
  throw new InvalidArgumentError(`whileLoop: a shape invariant must be an array of dims (null for unknown), got ${String(s)}`);
}
