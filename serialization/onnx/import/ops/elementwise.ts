import type { Tensor } from '../../../../graph/ir/index.js';
import type { NodeContext, OpTable } from '../context.js';
import { add, always, cast, direct, maximum, minimum, scalar } from './util.js';

/** Elementwise math, comparisons and logic; ONNX broadcasting (opset 7 on) is numpy's, as TF's. */

/** Integer division truncates toward zero in ONNX; TF's FloorDiv floors, so negative quotients are fixed up. */
function truncDiv(ctx: NodeContext, a: Tensor, b: Tensor): Tensor {
  const q = ctx.op('FloorDiv', [a, b])[0];
  const r = ctx.op('FloorMod', [a, b])[0];
  const zero = scalar(ctx, 0, a.dtype);
  const inexact = ctx.op('NotEqual', [r, zero])[0];
  const signsDiffer = ctx.op('NotEqual', [ctx.op('Less', [a, zero])[0], ctx.op('Less', [b, zero])[0]])[0];
  const fix = cast(ctx, ctx.op('LogicalAnd', [inexact, signsDiffer])[0], a.dtype);
  return add(ctx, q, fix);
}

/**
 * Mod: fmod=0 takes the divisor's sign (TF's FloorMod, integers only in ONNX); fmod=1 the
 * dividend's, a - b * trunc(a / b).
 */
function mod(ctx: NodeContext): Tensor[] {
  const [a, b] = [ctx.input(0), ctx.input(1)];
  if (ctx.attrs.int('fmod', 0) === 0) {
    if (a.dtype === 'float32') ctx.invalid('fmod=0 is only defined for integers');
    return ctx.op('FloorMod', [a, b]);
  }
  if (a.dtype !== 'float32') return [ctx.op('Sub', [a, ctx.op('Mul', [b, truncDiv(ctx, a, b)])[0]])[0]];
  const q = ctx.op('RealDiv', [a, b])[0];
  const trunc = ctx.op('Mul', [ctx.op('Sign', [q])[0], ctx.op('Floor', [ctx.op('Abs', [q])[0]])[0]])[0];
  return [ctx.op('Sub', [a, ctx.op('Mul', [b, trunc])[0]])[0]];
}

/** A variadic op folded left with a broadcasting binary op. */
const variadic = (combine: (ctx: NodeContext, a: Tensor, b: Tensor) => Tensor) =>
  always((ctx) => {
    const xs = ctx.node.inputs.map((_n, i) => ctx.input(i));
    if (xs.length === 0) return ctx.invalid('needs at least one input');
    return [xs.slice(1).reduce((acc, x) => combine(ctx, acc, x), xs[0])];
  });

export const ELEMENTWISE_IMPORTS: OpTable = {
  Add: direct('AddV2'),
  Sub: direct('Sub'),
  Mul: direct('Mul'),
  Div: always((ctx) => {
    const [a, b] = [ctx.input(0), ctx.input(1)];
    return [a.dtype === 'float32' ? ctx.op('RealDiv', [a, b])[0] : truncDiv(ctx, a, b)];
  }),
  // opset 12 lets the exponent have another type; TF's Pow wants one type
  Pow: always((ctx) => {
    const x = ctx.input(0);
    return ctx.op('Pow', [x, cast(ctx, ctx.input(1), x.dtype)]);
  }),
  Mod: { 10: mod },
  Neg: direct('Neg'),
  Tan: always((ctx) => {
    const x = ctx.input(0);
    return ctx.op('RealDiv', [ctx.op('Sin', [x])[0], ctx.op('Cos', [x])[0]]);
  }),
  Abs: direct('Abs'),
  Exp: direct('Exp'),
  Log: direct('Log'),
  Sqrt: direct('Sqrt'),
  Reciprocal: direct('Reciprocal'),
  Floor: direct('Floor'),
  Ceil: direct('Ceil'),
  Round: direct('Round'),
  Sign: direct('Sign'),
  Sin: direct('Sin'),
  Cos: direct('Cos'),
  Erf: direct('Erf'),
  Equal: direct('Equal'),
  Greater: direct('Greater'),
  Less: direct('Less'),
  GreaterOrEqual: { 12: (ctx) => ctx.op('GreaterEqual', [ctx.input(0), ctx.input(1)]) },
  LessOrEqual: { 12: (ctx) => ctx.op('LessEqual', [ctx.input(0), ctx.input(1)]) },
  Not: direct('LogicalNot'),
  And: direct('LogicalAnd'),
  Or: direct('LogicalOr'),
  Xor: direct('NotEqual'),
  Sum: variadic(add),
  Max: variadic(maximum),
  Min: variadic(minimum),
  Mean: always((ctx) => {
    const xs = ctx.node.inputs.map((_n, i) => ctx.input(i));
    if (xs.length === 0) return ctx.invalid('needs at least one input');
    const sum = xs.slice(1).reduce((acc, x) => add(ctx, acc, x), xs[0]);
    return [ctx.op('RealDiv', [sum, scalar(ctx, xs.length, sum.dtype)])[0]];
  }),
};
