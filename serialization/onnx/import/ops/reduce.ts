import type { Tensor } from '../../../../graph/ir/index.js';
import type { Handler, NodeContext, OpTable, VersionedHandlers } from '../context.js';
import { always, cast, int32s, normAxis, rankOf, scalar, transpose } from './util.js';

/**
 * Reductions. `axes` is an attribute until opset 13 (ReduceSum) or 18 (the others) and an
 * optional input after; with no axes everything is reduced, unless noop_with_empty_axes says
 * the op is an identity.
 */

type Compose = (ctx: NodeContext, x: Tensor, axes: Tensor, keep: boolean) => Tensor;

const tf = (type: string): Compose => (ctx, x, axes, keep) => ctx.op(type, [x, axes], { keep_dims: keep })[0];

const COMPOSED: Record<string, Compose> = {
  ReduceSum: tf('Sum'),
  ReduceMean: tf('Mean'),
  ReduceMax: tf('Max'),
  ReduceMin: tf('Min'),
  ReduceProd: tf('Prod'),
  ReduceL1: (ctx, x, a, k) => tf('Sum')(ctx, ctx.op('Abs', [x])[0], a, k),
  ReduceL2: (ctx, x, a, k) => ctx.op('Sqrt', [tf('Sum')(ctx, ctx.op('Square', [x])[0], a, k)])[0],
  ReduceSumSquare: (ctx, x, a, k) => tf('Sum')(ctx, ctx.op('Square', [x])[0], a, k),
  ReduceLogSum: (ctx, x, a, k) => ctx.op('Log', [tf('Sum')(ctx, x, a, k)])[0],
  // max + log(sum(exp(x - max))): exp cannot overflow; dims are kept (reduce() squeezes them)
  ReduceLogSumExp: (ctx, x, a) => {
    const m = ctx.op('StopGradient', [tf('Max')(ctx, x, a, true)])[0];
    const s = ctx.op('Log', [tf('Sum')(ctx, ctx.op('Exp', [ctx.op('Sub', [x, m])[0]])[0], a, true)])[0];
    return ctx.op('AddV2', [s, m])[0];
  },
};

function reduce(type: string, axesAsInput: boolean): (ctx: NodeContext) => Tensor[] {
  return (ctx) => {
    const x = ctx.input(0);
    const rank = rankOf(ctx, x);
    const keep = ctx.attrs.int('keepdims', 1) !== 0;
    let axes = axesAsInput ? (ctx.has(1) ? ctx.ints(1, 'axes') : []) : ctx.attrs.ints('axes', []);
    if (axes.length === 0) {
      if (ctx.attrs.int('noop_with_empty_axes', 0) !== 0) return ctx.op('Identity', [x]);
      axes = [...Array(rank).keys()];
    }
    const norm = axes.map((a) => normAxis(ctx, a, rank, 'axis'));
    if (type === 'ReduceLogSumExp' && !keep) {
      const y = COMPOSED[type](ctx, x, int32s(ctx, norm), true);
      return ctx.op('Squeeze', [y], { squeeze_dims: norm });
    }
    return [COMPOSED[type](ctx, x, int32s(ctx, norm), keep)];
  };
}

const reduceOp = (type: string, inputSince: number): VersionedHandlers => ({ 1: reduce(type, false), [inputSince]: reduce(type, true) });

function argReduce(type: 'ArgMax' | 'ArgMin'): VersionedHandlers {
  return always((ctx) => {
    const x = ctx.input(0);
    const rank = rankOf(ctx, x);
    const axis = normAxis(ctx, ctx.attrs.int('axis', 0), rank);
    if (ctx.attrs.int('select_last_index', 0) !== 0) ctx.refuse('select_last_index=1 is not mapped (TF picks the first index on ties)');
    const y = ctx.op(type, [x, ctx.constant([axis], 'int32', [])], { output_type: 'int64' })[0];
    return ctx.attrs.int('keepdims', 1) !== 0 ? ctx.op('ExpandDims', [y, ctx.constant([axis], 'int32', [])]) : [y];
  });
}

/**
 * TopK as TF's TopKV2, which selects along the last axis: another axis is swapped to the end and
 * back. K is an attribute before opset 10 and a 1-D input from it (known while importing). Both
 * order ties lower index first when sorted; sorted=0 allows any order, so ours does. ONNX's
 * indices are int64.
 */
function topK(kInput: boolean): Handler {
  return (ctx) => {
    const x = ctx.input(0);
    const rank = rankOf(ctx, x);
    const axis = normAxis(ctx, ctx.attrs.int('axis', -1), rank);
    if (ctx.attrs.int('largest', 1) === 0) ctx.refuse('largest=0 (the k smallest) is not mapped: TF\'s TopKV2 selects the largest');
    const k = kInput ? ctx.ints(1, 'K') : [ctx.attrs.int('k', -1)];
    if (k.length !== 1 || k[0] < 0) ctx.invalid(`K must be one non-negative integer, got [${k.join(',')}]`);
    const perm = [...Array(rank).keys()];
    [perm[axis], perm[rank - 1]] = [perm[rank - 1], perm[axis]];
    const last = axis === rank - 1 ? x : transpose(ctx, x, perm);
    const [values, indices] = ctx.op('TopKV2', [last, scalar(ctx, k[0], 'int32')], { sorted: true });
    const back = (t: Tensor): Tensor => (axis === rank - 1 ? t : transpose(ctx, t, perm));
    return [back(values), cast(ctx, back(indices), 'int64')];
  };
}

export const REDUCE_IMPORTS: OpTable = {
  TopK: { 1: topK(false), 10: topK(true) },
  ReduceSum: reduceOp('ReduceSum', 13),
  ReduceMean: reduceOp('ReduceMean', 18),
  ReduceMax: reduceOp('ReduceMax', 18),
  ReduceMin: reduceOp('ReduceMin', 18),
  ReduceProd: reduceOp('ReduceProd', 18),
  ReduceL1: reduceOp('ReduceL1', 18),
  ReduceL2: reduceOp('ReduceL2', 18),
  ReduceLogSum: reduceOp('ReduceLogSum', 18),
  ReduceLogSumExp: reduceOp('ReduceLogSumExp', 18),
  ReduceSumSquare: reduceOp('ReduceSumSquare', 18),
  ArgMax: argReduce('ArgMax'),
  ArgMin: argReduce('ArgMin'),
  CumSum: {
    11: (ctx) => {
      const x = ctx.input(0);
      const axis = normAxis(ctx, ctx.ints(1, 'axis')[0], rankOf(ctx, x));
      return ctx.op('Cumsum', [x, ctx.constant([axis], 'int32', [])], { exclusive: ctx.attrs.int('exclusive', 0) !== 0, reverse: ctx.attrs.int('reverse', 0) !== 0 });
    },
  },
};
