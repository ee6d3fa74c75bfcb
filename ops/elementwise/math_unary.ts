import type { OpDef, TypesOf } from '../op_def.js';
import type { Tensor } from '../../graph/ir/index.js';
import type { TensorLike } from '../builder.js';
import { FLOATS, NUMERIC } from '../dtype_sets.js';
import { unaryOp, elementwiseOp } from './define.js';
import { buildElementwise } from './build.js';
import { bin, lit, select, un, x0, x1 } from './scalar_expr.js';

export const Neg = unaryOp({ type: 'Neg', allowed: NUMERIC, expr: () => un('neg', x0) });
export const Abs = unaryOp({ type: 'Abs', allowed: NUMERIC, expr: () => un('abs', x0) });
export const Exp = unaryOp({ type: 'Exp', allowed: FLOATS, expr: () => un('exp', x0) });
export const Log = unaryOp({ type: 'Log', allowed: FLOATS, expr: () => un('log', x0) });
export const Log1p = unaryOp({ type: 'Log1p', allowed: FLOATS, expr: () => un('log1p', x0) });
export const Sqrt = unaryOp({ type: 'Sqrt', allowed: FLOATS, expr: () => un('sqrt', x0) });
export const Rsqrt = unaryOp({ type: 'Rsqrt', allowed: FLOATS, expr: () => un('rsqrt', x0) });
export const Square = unaryOp({ type: 'Square', allowed: NUMERIC, expr: () => un('square', x0) });
export const Reciprocal = unaryOp({ type: 'Reciprocal', allowed: FLOATS, expr: () => un('recip', x0) });
export const Floor = unaryOp({ type: 'Floor', allowed: FLOATS, expr: () => un('floor', x0) });
export const Ceil = unaryOp({ type: 'Ceil', allowed: FLOATS, expr: () => un('ceil', x0) });
export const Round = unaryOp({ type: 'Round', allowed: NUMERIC, expr: () => un('roundEven', x0) });
export const Sign = unaryOp({ type: 'Sign', allowed: NUMERIC, expr: () => un('sign', x0) });
export const Sin = unaryOp({ type: 'Sin', allowed: FLOATS, expr: () => un('sin', x0) });
export const Cos = unaryOp({ type: 'Cos', allowed: FLOATS, expr: () => un('cos', x0) });
export const Tanh = unaryOp({ type: 'Tanh', allowed: FLOATS, expr: () => un('tanh', x0) });
export const Sigmoid = unaryOp({ type: 'Sigmoid', allowed: FLOATS, expr: () => un('sigmoid', x0) });
export const Relu = unaryOp({ type: 'Relu', allowed: NUMERIC, expr: () => select(bin('lt', x0, lit(0)), lit(0), x0) });

// Gradients: math_unary_grad.ts (they build with math_binary's ops, which import these).

// The gradient helpers TF has as ops of their own: they keep backward graphs small, fusable and
// exportable. Argument order follows TF: (y, dy), except ReluGrad(gradients, features).
const gradOp = <const T extends string>(type: T, expr: ReturnType<typeof bin>) => elementwiseOp({ type, inputNames: ['y', 'dy'], allowed: FLOATS, expr: () => expr });

export const SqrtGrad = gradOp('SqrtGrad', bin('div', bin('mul', x1, lit(0.5)), x0));
export const RsqrtGrad = gradOp('RsqrtGrad', bin('mul', bin('mul', x1, lit(-0.5)), bin('mul', x0, bin('mul', x0, x0))));
export const ReciprocalGrad = gradOp('ReciprocalGrad', bin('mul', un('neg', x1), bin('mul', x0, x0)));
export const TanhGrad = gradOp('TanhGrad', bin('mul', x1, bin('sub', lit(1), bin('mul', x0, x0))));
export const SigmoidGrad = gradOp('SigmoidGrad', bin('mul', x1, bin('mul', x0, bin('sub', lit(1), x0))));
export const ReluGrad = elementwiseOp({
  type: 'ReluGrad',
  inputNames: ['gradients', 'features'],
  allowed: NUMERIC,
  expr: () => select(bin('gt', x1, lit(0)), x0, lit(0)),
});

export const neg = (x: TensorLike, name?: string): Tensor => buildElementwise(Neg, [x], name);
export const abs = (x: TensorLike, name?: string): Tensor => buildElementwise(Abs, [x], name);
export const exp = (x: TensorLike, name?: string): Tensor => buildElementwise(Exp, [x], name);
export const log = (x: TensorLike, name?: string): Tensor => buildElementwise(Log, [x], name);
export const log1p = (x: TensorLike, name?: string): Tensor => buildElementwise(Log1p, [x], name);
export const sqrt = (x: TensorLike, name?: string): Tensor => buildElementwise(Sqrt, [x], name);
export const rsqrt = (x: TensorLike, name?: string): Tensor => buildElementwise(Rsqrt, [x], name);
export const square = (x: TensorLike, name?: string): Tensor => buildElementwise(Square, [x], name);
export const reciprocal = (x: TensorLike, name?: string): Tensor => buildElementwise(Reciprocal, [x], name);
export const floor = (x: TensorLike, name?: string): Tensor => buildElementwise(Floor, [x], name);
export const ceil = (x: TensorLike, name?: string): Tensor => buildElementwise(Ceil, [x], name);
export const round = (x: TensorLike, name?: string): Tensor => buildElementwise(Round, [x], name);
export const sign = (x: TensorLike, name?: string): Tensor => buildElementwise(Sign, [x], name);
export const sin = (x: TensorLike, name?: string): Tensor => buildElementwise(Sin, [x], name);
export const cos = (x: TensorLike, name?: string): Tensor => buildElementwise(Cos, [x], name);
export const tanh = (x: TensorLike, name?: string): Tensor => buildElementwise(Tanh, [x], name);
export const sigmoid = (x: TensorLike, name?: string): Tensor => buildElementwise(Sigmoid, [x], name);
export const relu = (x: TensorLike, name?: string): Tensor => buildElementwise(Relu, [x], name);
export const sqrtGrad = (y: TensorLike, dy: TensorLike, name?: string): Tensor => buildElementwise(SqrtGrad, [y, dy], name);
export const rsqrtGrad = (y: TensorLike, dy: TensorLike, name?: string): Tensor => buildElementwise(RsqrtGrad, [y, dy], name);
export const reciprocalGrad = (y: TensorLike, dy: TensorLike, name?: string): Tensor => buildElementwise(ReciprocalGrad, [y, dy], name);
export const tanhGrad = (y: TensorLike, dy: TensorLike, name?: string): Tensor => buildElementwise(TanhGrad, [y, dy], name);
export const sigmoidGrad = (y: TensorLike, dy: TensorLike, name?: string): Tensor => buildElementwise(SigmoidGrad, [y, dy], name);
export const reluGrad = (g: TensorLike, features: TensorLike, name?: string): Tensor => buildElementwise(ReluGrad, [g, features], name);

export const MATH_UNARY_OPS = [
  Neg, Abs, Exp, Log, Log1p, Sqrt, Rsqrt, Square, Reciprocal, Floor, Ceil, Round, Sign, Sin, Cos, Tanh, Sigmoid, Relu,
  SqrtGrad, RsqrtGrad, ReciprocalGrad, TanhGrad, SigmoidGrad, ReluGrad,
] as const satisfies readonly OpDef[];
export type MathUnaryOpType = TypesOf<typeof MATH_UNARY_OPS>;
