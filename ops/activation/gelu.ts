import type { Tensor } from '../../graph/ir/index.js';
import { TensorLike, toTensor } from '../builder.js';
import { add, div, mul } from '../elementwise/math_binary.js';
import { square, tanh as tanhOf } from '../elementwise/math_unary.js';
import { erf } from './activations.js';

/**
 * GELU: x * Φ(x), exact (erf) by default or the tanh approximation, composed from ops as TF's
 * tf.nn.gelu is.
 */
export function gelu(x: TensorLike, approximate = false, name?: string): Tensor {
  const t = toTensor(x);
  return t.graph.nameScope(name ?? 'Gelu', () => {
    if (approximate) {
      const inner = mul(Math.sqrt(2 / Math.PI), add(t, mul(0.044715, mul(t, square(t)))));
      return mul(mul(0.5, t), add(1, tanhOf(inner)));
    }
    return mul(mul(0.5, t), add(1, erf(div(t, Math.SQRT2))));
  });
}
