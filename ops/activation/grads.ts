import { zerosLike } from '../array/fill_like.js';
import { greater, less, where } from '../elementwise/compare.js';
import { add, div, mul, sub } from '../elementwise/math_binary.js';
import { abs, exp, sigmoid, square } from '../elementwise/math_unary.js';
import type { GradTable } from '../op_def.js';
import { reduceSum } from '../reduce/reductions.js';
import { eluGrad, leakyReluGrad, relu6Grad, seluGrad, softplusGrad, softsignGrad } from './activations.js';
import type { ActivationOpType } from './index.js';

/**
 * Gradients of the activations, in graph ops (other families' builders, which is why they sit
 * apart from the definitions: see docs/adding-an-op.md).
 */
export const ACTIVATION_GRADS: GradTable<ActivationOpType> = {
  Relu6: (op, [g]) => [g && relu6Grad(g, op.inputs[0])],
  Relu6Grad: (op, [g]) => [g && relu6Grad(g, op.inputs[1]), g && zerosLike(op.inputs[1])],
  LeakyRelu: (op, [g]) => [g && leakyReluGrad(g, op.inputs[0], op.attrs.alpha as number)],
  LeakyReluGrad: (op, [g]) => [g && leakyReluGrad(g, op.inputs[1], op.attrs.alpha as number), g && zerosLike(op.inputs[1])],
  Elu: (op, [g]) => [g && eluGrad(g, op.outputs[0])],
  EluGrad: (op, [g]) => {
    const [dy, y] = op.inputs;
    return [g && eluGrad(g, y), g && where(less(y, 0), mul(g, dy), zerosLike(y))];
  },
  Selu: (op, [g]) => [g && seluGrad(g, op.outputs[0])],
  SeluGrad: (op, [g]) => {
    const [dy, y] = op.inputs;
    return [g && seluGrad(g, y), g && where(less(y, 0), mul(g, dy), zerosLike(y))];
  },
  Softplus: (op, [g]) => [g && softplusGrad(g, op.inputs[0])],
  SoftplusGrad: (op, [g]) => {
    const [dy, f] = op.inputs;
    const s = sigmoid(f);
    return [g && mul(g, s), g && mul(g, mul(dy, mul(s, sub(1, s))))];
  },
  Softsign: (op, [g]) => [g && softsignGrad(g, op.inputs[0])],
  SoftsignGrad: (op, [g]) => {
    const [dy, f] = op.inputs;
    const d = add(1, abs(f));
    // d/df [dy / (1+|f|)^2] = -2 dy sign(f) / (1+|f|)^3
    const sgn = where(greater(f, 0), 1, where(less(f, 0), -1, 0));
    return [g && div(g, square(d)), g && mul(g, div(mul(-2, mul(dy, sgn)), mul(d, square(d))))];
  },
  // d/dx erf(x) = 2/sqrt(pi) e^{-x^2}
  Erf: (op, [g]) => [g && mul(g, mul(2 / Math.sqrt(Math.PI), exp(mul(-1, square(op.inputs[0])))))],
  // dx = (g - sum(g * y, -1, keepdims)) * y
  Softmax: (op, [g]) => {
  if (!g) return [null];
  const y = op.outputs[0];
  return [mul(sub(g, reduceSum(mul(g, y), -1, true)), y)];
},
  // dx = g - sum(g, -1, keepdims) * softmax
  LogSoftmax: (op, [g]) => (g ? [sub(g, mul(reduceSum(g, -1, true), exp(op.outputs[0])))] : [null]),
};
