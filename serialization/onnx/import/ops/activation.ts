import type { Tensor } from '../../../../graph/ir/index.js';
import { gelu } from '../../../../ops/activation/gelu.js';
import type { NodeContext, OpTable, VersionedHandlers } from '../context.js';
import { add, always, direct, flatten2D, maximum, minimum, mul, normAxis, rankOf, reshape, scalar, shapeOf, transpose } from './util.js';

/** Activations; those whose ONNX form has a parameter TF fixes are composed from Elu/Relu parts. */

const SELU_ALPHA = 1.67326319217681884765625;
const SELU_GAMMA = 1.05070102214813232421875;

/** alpha * (exp(x) - 1) below zero, x above: relu(x) + alpha * min(elu(x), 0). */
function scaledElu(ctx: NodeContext, x: Tensor, alpha: number): Tensor {
  const zero = scalar(ctx, 0, x.dtype);
  const neg = minimum(ctx, ctx.op('Elu', [x])[0], zero);
  return add(ctx, ctx.op('Relu', [x])[0], mul(ctx, neg, scalar(ctx, alpha, x.dtype)));
}

function clip(ctx: NodeContext, x: Tensor, lo: Tensor | null, hi: Tensor | null): Tensor {
  let y = x;
  if (lo) y = maximum(ctx, y, lo);
  if (hi) y = minimum(ctx, y, hi);
  return y === x ? ctx.op('Identity', [x])[0] : y;
}

/**
 * Softmax-like ops. Before opset 13 the input is seen as a matrix split at `axis` (default 1);
 * from 13 the op runs along `axis` (default -1), which TF's last-axis kernel reaches through a
 * transpose when it is not the last.
 */
function softmaxFamily(type: 'Softmax' | 'LogSoftmax'): VersionedHandlers {
  return {
    1: (ctx) => {
      const x = ctx.input(0);
      const rank = rankOf(ctx, x);
      const axis = normAxis(ctx, ctx.attrs.int('axis', 1), rank);
      if (axis === rank - 1) return ctx.op(type, [x]);
      const y = ctx.op(type, [flatten2D(ctx, x, axis)])[0];
      return [reshape(ctx, y, shapeOf(ctx, x))];
    },
    13: (ctx) => {
      const x = ctx.input(0);
      const rank = rankOf(ctx, x);
      const axis = normAxis(ctx, ctx.attrs.int('axis', -1), rank);
      if (axis === rank - 1) return ctx.op(type, [x]);
      const perm = [...Array(rank).keys()];
      [perm[axis], perm[rank - 1]] = [perm[rank - 1], perm[axis]];
      return [transpose(ctx, ctx.op(type, [transpose(ctx, x, perm)])[0], perm)];
    },
  };
}

export const ACTIVATION_IMPORTS: OpTable = {
  Relu: direct('Relu'),
  Sigmoid: direct('Sigmoid'),
  Tanh: direct('Tanh'),
  Softplus: direct('Softplus'),
  Softsign: direct('Softsign'),
  LeakyRelu: always((ctx) => ctx.op('LeakyRelu', [ctx.input(0)], { alpha: ctx.attrs.float('alpha', 0.01) })),
  Elu: always((ctx) => {
    const alpha = ctx.attrs.float('alpha', 1);
    return alpha === 1 ? ctx.op('Elu', [ctx.input(0)]) : [scaledElu(ctx, ctx.input(0), alpha)];
  }),
  Selu: always((ctx) => {
    const alpha = ctx.attrs.float('alpha', SELU_ALPHA);
    const gamma = ctx.attrs.float('gamma', SELU_GAMMA);
    const x = ctx.input(0);
    if (Math.fround(alpha) === Math.fround(SELU_ALPHA) && Math.fround(gamma) === Math.fround(SELU_GAMMA)) return ctx.op('Selu', [x]);
    return [mul(ctx, scaledElu(ctx, x, alpha), scalar(ctx, gamma, x.dtype))];
  }),
  HardSigmoid: always((ctx) => {
    const x = ctx.input(0);
    const lin = add(ctx, mul(ctx, x, scalar(ctx, ctx.attrs.float('alpha', 0.2), x.dtype)), scalar(ctx, ctx.attrs.float('beta', 0.5), x.dtype));
    return [clip(ctx, lin, scalar(ctx, 0, x.dtype), scalar(ctx, 1, x.dtype))];
  }),
  HardSwish: {
    14: (ctx) => {
      const x = ctx.input(0);
      const lin = add(ctx, mul(ctx, x, scalar(ctx, 1 / 6, x.dtype)), scalar(ctx, 0.5, x.dtype));
      return [mul(ctx, x, clip(ctx, lin, scalar(ctx, 0, x.dtype), scalar(ctx, 1, x.dtype)))];
    },
  },
  ThresholdedRelu: {
    10: (ctx) => {
      const x = ctx.input(0);
      const above = ctx.op('Greater', [x, scalar(ctx, ctx.attrs.float('alpha', 1), x.dtype)])[0];
      return ctx.op('SelectV2', [above, x, scalar(ctx, 0, x.dtype)]);
    },
  },
  Celu: {
    // max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
    12: (ctx) => {
      const x = ctx.input(0);
      const alpha = ctx.attrs.float('alpha', 1);
      const scaled = ctx.op('Elu', [mul(ctx, x, scalar(ctx, 1 / alpha, x.dtype))])[0];
      return [add(ctx, ctx.op('Relu', [x])[0], minimum(ctx, mul(ctx, scaled, scalar(ctx, alpha, x.dtype)), scalar(ctx, 0, x.dtype)))];
    },
  },
  Mish: {
    18: (ctx) => {
      const x = ctx.input(0);
      return [mul(ctx, x, ctx.op('Tanh', [ctx.op('Softplus', [x])[0]])[0])];
    },
  },
  PRelu: always((ctx) => {
    const x = ctx.input(0);
    const zero = scalar(ctx, 0, x.dtype);
    return [add(ctx, maximum(ctx, x, zero), mul(ctx, ctx.input(1), minimum(ctx, x, zero)))];
  }),
  Gelu: {
    20: (ctx) => {
      const mode = ctx.attrs.choice('approximate', ['none', 'tanh'], 'none');
      return [gelu(ctx.input(0), mode === 'tanh')];
    },
  },
  Clip: {
    // before opset 11 the bounds are attributes, after it optional inputs
    1: (ctx) => {
      const x = ctx.input(0);
      const lo = ctx.attrs.float('min');
      const hi = ctx.attrs.float('max');
      return [clip(ctx, x, lo === undefined ? null : scalar(ctx, lo, x.dtype), hi === undefined ? null : scalar(ctx, hi, x.dtype))];
    },
    11: (ctx) => [clip(ctx, ctx.input(0), ctx.has(1) ? ctx.input(1, { trainable: false }) : null, ctx.has(2) ? ctx.input(2, { trainable: false }) : null)],
  },
  Softmax: softmaxFamily('Softmax'),
  LogSoftmax: softmaxFamily('LogSoftmax'),
};
