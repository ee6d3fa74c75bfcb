import type { Tensor } from '../../graph/ir/index.js';
import type { GradTable } from '../op_def.js';
import { sumToShapeOf } from './broadcast_grad.js';
import { log, neg, square } from './math_unary.js';
import { greater, greaterEqual, lessEqual, where } from './compare.js';
import { zerosLike } from '../array/fill_like.js';
import { div, floorDiv, mul, pow, sub } from './math_binary.js';
import type { MathBinaryOpType } from './math_binary.js';

/** The gradient pair of a binary op, each summed back to its input's shape (null stays null). */
function pair(op: { inputs: readonly Tensor[] }, gx: Tensor | null, gy: Tensor | null): (Tensor | null)[] {
  return [gx && sumToShapeOf(gx, op.inputs[0]), gy && sumToShapeOf(gy, op.inputs[1])];
}

/** Gradients of the binary math ops, each summed back over broadcast axes. */
export const MATH_BINARY_GRADS: GradTable<MathBinaryOpType> = {
  Mul: (op, [g]) => pair(op, g && mul(g, op.inputs[1]), g && mul(op.inputs[0], g)),
  RealDiv: (op, [g]) => {
    const [x, y] = op.inputs;
    return pair(op, g && div(g, y), g && mul(g, div(neg(x), square(y))));
  },
  FloorMod: (op, [g]) => {
    const [x, y] = op.inputs;
    return pair(op, g, g && mul(g, neg(floorDiv(x, y))));
  },
  Pow: (op, [g]) => {
    const [x, y] = op.inputs;
    const z = op.outputs[0];
    const gx = g && mul(g, mul(y, pow(x, sub(y, 1))));
    // d/dy x^y = x^y log x, defined as 0 where x <= 0 (TF's choice)
    const safeLog = x.dtype === 'float32' ? where(greater(x, 0), log(where(greater(x, 0), x, 1)), zerosLike(x)) : null;
    const gy = g && safeLog && mul(g, mul(z, safeLog));
    return pair(op, gx, gy);
  },
  Maximum: (op, [g]) => {
    if (!g) return [null, null];
    const mask = greaterEqual(op.inputs[0], op.inputs[1]);
    const zeros = zerosLike(g);
    return pair(op, where(mask, g, zeros), where(mask, zeros, g));
  },
  Minimum: (op, [g]) => {
    if (!g) return [null, null];
    const mask = lessEqual(op.inputs[0], op.inputs[1]);
    const zeros = zerosLike(g);
    return pair(op, where(mask, g, zeros), where(mask, zeros, g));
  },
  SquaredDifference: (op, [g]) => {
    if (!g) return [null, null];
    const [x, y] = op.inputs;
    const d = mul(g, mul(2, sub(x, y)));
    return pair(op, d, neg(d));
  },
  Add: (op, [g]) => pair(op, g, g),
  AddV2: (op, [g]) => pair(op, g, g),
  Sub: (op, [g]) => pair(op, g, g && neg(g)),
  FloorDiv: () => [null, null],
};
