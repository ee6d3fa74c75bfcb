import type { Tensor } from '../../graph/ir/index.js';
import type { GradTable } from '../op_def.js';
import { add, div, mul, sub } from './math_binary.js';
import { zerosLike } from '../array/fill_like.js';
import {
  cos, neg, reciprocal, reciprocalGrad, reluGrad, rsqrtGrad, sigmoidGrad, sign, sin, sqrtGrad, square, tanhGrad,
} from './math_unary.js';
import type { MathUnaryOpType } from './math_unary.js';

const out0 = (op: { outputs: readonly Tensor[] }): Tensor => op.outputs[0];

/**
 * Gradients of the unary math ops, in graph ops. TF registers no useful gradient for the
 * piecewise-constant Floor, Ceil and Round (None) and zeros for Sign.
 */
export const MATH_UNARY_GRADS: GradTable<MathUnaryOpType> = {
  Neg: (_op, [dy]) => [dy && neg(dy)],
  Abs: (op, [dy]) => [dy && mul(dy, sign(op.inputs[0]))],
  Exp: (op, [dy]) => [dy && mul(dy, out0(op))],
  Log: (op, [dy]) => [dy && mul(dy, reciprocal(op.inputs[0]))],
  Log1p: (op, [dy]) => [dy && mul(dy, reciprocal(add(1, op.inputs[0])))],
  Sqrt: (op, [dy]) => [dy && sqrtGrad(out0(op), dy)],
  Rsqrt: (op, [dy]) => [dy && rsqrtGrad(out0(op), dy)],
  Square: (op, [dy]) => [dy && mul(dy, mul(2, op.inputs[0]))],
  Reciprocal: (op, [dy]) => [dy && reciprocalGrad(out0(op), dy)],
  Floor: () => [null],
  Ceil: () => [null],
  Round: () => [null],
  Sign: (op, [dy]) => [dy && zerosLike(op.inputs[0])],
  Sin: (op, [dy]) => [dy && mul(dy, cos(op.inputs[0]))],
  Cos: (op, [dy]) => [dy && neg(mul(dy, sin(op.inputs[0])))],
  Tanh: (op, [dy]) => [dy && tanhGrad(out0(op), dy)],
  Sigmoid: (op, [dy]) => [dy && sigmoidGrad(out0(op), dy)],
  Relu: (op, [dy]) => [dy && reluGrad(dy, out0(op))],
  SqrtGrad: (op, [g]) => {
  // z = dy * 0.5 / y
  const y = op.inputs[0];
  return [g && neg(mul(g, div(out0(op), y))), g && div(mul(g, 0.5), y)];
},
  RsqrtGrad: (op, [g]) => {
  // z = -0.5 * dy * y^3
  const [y, dy] = op.inputs;
  return [g && mul(g, mul(mul(-1.5, dy), square(y))), g && mul(g, mul(-0.5, mul(y, square(y))))];
},
  ReciprocalGrad: (op, [g]) => {
  // z = -dy * y^2
  const [y, dy] = op.inputs;
  return [g && mul(g, mul(-2, mul(dy, y))), g && neg(mul(g, square(y)))];
},
  TanhGrad: (op, [g]) => {
  // z = dy * (1 - y^2)
  const [y, dy] = op.inputs;
  return [g && mul(g, mul(-2, mul(dy, y))), g && mul(g, sub(1, square(y)))];
},
  SigmoidGrad: (op, [g]) => {
  // z = dy * y * (1 - y)
  const [y, dy] = op.inputs;
  return [g && mul(g, mul(dy, sub(1, mul(2, y)))), g && mul(g, mul(y, sub(1, y)))];
},
  ReluGrad: (op, [g]) => [g && reluGrad(g, op.inputs[1]), g && zerosLike(op.inputs[1])],
};
