import type { Tensor } from '../../graph/ir/index.js';
import { makeOp, TensorLike, toTensor } from '../builder.js';
import { FLOATS } from '../dtype_sets.js';
import { elementwiseOp, unaryOp } from '../elementwise/define.js';
import { buildElementwise } from '../elementwise/build.js';
import { bin, lit, select, un, x0, x1 } from '../elementwise/scalar_expr.js';
import { mul, add, sub, div } from '../elementwise/math_binary.js';
import { sigmoid, square, abs, exp, tanh as tanhOf } from '../elementwise/math_unary.js';
import { greater, less, where } from '../elementwise/compare.js';
import { zerosLike } from '../array/fill_like.js';
import type { OpDef } from '../op_def.js';

// SELU's constants, as in TF (Klambauer et al. 2017).
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

const zero = lit(0);
const one = lit(1);

export const Relu6 = unaryOp({
  type: 'Relu6',
  allowed: FLOATS,
  expr: () => select(bin('lt', x0, zero), zero, select(bin('gt', x0, lit(6)), lit(6), x0)),
  grad: (op, [g]) => [g && relu6Grad(g, op.inputs[0])],
});
export const Relu6Grad = elementwiseOp({
  type: 'Relu6Grad',
  inputNames: ['gradients', 'features'],
  allowed: FLOATS,
  expr: () => select(bin('and', bin('gt', x1, zero), bin('lt', x1, lit(6))), x0, zero),
  grad: (op, [g]) => [g && relu6Grad(g, op.inputs[1]), g && zerosLike(op.inputs[1])],
});

type AlphaAttrs = { alpha: number };

export const LeakyRelu = unaryOp<AlphaAttrs, 'LeakyRelu'>({
  type: 'LeakyRelu',
  allowed: FLOATS,
  attrDefaults: { alpha: 0.2 },
  expr: (a) => select(bin('gt', x0, zero), x0, bin('mul', x0, lit(a.alpha))),
  grad: (op, [g]) => [g && leakyReluGrad(g, op.inputs[0], op.attrs.alpha as number)],
});
export const LeakyReluGrad = elementwiseOp<AlphaAttrs, 'LeakyReluGrad'>({
  type: 'LeakyReluGrad',
  inputNames: ['gradients', 'features'],
  allowed: FLOATS,
  attrDefaults: { alpha: 0.2 },
  expr: (a) => select(bin('gt', x1, zero), x0, bin('mul', x0, lit(a.alpha))),
  grad: (op, [g]) => [g && leakyReluGrad(g, op.inputs[1], op.attrs.alpha as number), g && zerosLike(op.inputs[1])],
});

export const Elu = unaryOp({
  type: 'Elu',
  allowed: FLOATS,
  expr: () => select(bin('gt', x0, zero), x0, un('expm1', x0)),
  grad: (op, [g]) => [g && eluGrad(g, op.outputs[0])],
});
/** EluGrad(gradients, outputs): g where y > 0, else g * (y + 1). */
export const EluGrad = elementwiseOp({
  type: 'EluGrad',
  inputNames: ['gradients', 'outputs'],
  allowed: FLOATS,
  expr: () => select(bin('gt', x1, zero), x0, bin('mul', x0, bin('add', x1, one))),
  grad: (op, [g]) => {
    const [dy, y] = op.inputs;
    return [g && eluGrad(g, y), g && where(less(y, 0), mul(g, dy), zerosLike(y))];
  },
});

export const Selu = unaryOp({
  type: 'Selu',
  allowed: FLOATS,
  expr: () => select(bin('gt', x0, zero), bin('mul', x0, lit(SELU_SCALE)), bin('mul', lit(SELU_SCALE * SELU_ALPHA), un('expm1', x0))),
  grad: (op, [g]) => [g && seluGrad(g, op.outputs[0])],
});
/** SeluGrad(gradients, outputs): g*scale where y > 0, else g * (y + scale*alpha). */
export const SeluGrad = elementwiseOp({
  type: 'SeluGrad',
  inputNames: ['gradients', 'outputs'],
  allowed: FLOATS,
  expr: () => select(bin('gt', x1, zero), bin('mul', x0, lit(SELU_SCALE)), bin('mul', x0, bin('add', x1, lit(SELU_SCALE * SELU_ALPHA)))),
  grad: (op, [g]) => {
    const [dy, y] = op.inputs;
    return [g && seluGrad(g, y), g && where(less(y, 0), mul(g, dy), zerosLike(y))];
  },
});

/** softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so it never overflows. */
export const Softplus = unaryOp({
  type: 'Softplus',
  allowed: FLOATS,
  expr: () => bin('add', bin('max', x0, zero), un('log1p', un('exp', un('neg', un('abs', x0))))),
  grad: (op, [g]) => [g && softplusGrad(g, op.inputs[0])],
});
export const SoftplusGrad = elementwiseOp({
  type: 'SoftplusGrad',
  inputNames: ['gradients', 'features'],
  allowed: FLOATS,
  expr: () => bin('mul', x0, un('sigmoid', x1)),
  grad: (op, [g]) => {
    const [dy, f] = op.inputs;
    const s = sigmoid(f);
    return [g && mul(g, s), g && mul(g, mul(dy, mul(s, sub(1, s))))];
  },
});

export const Softsign = unaryOp({
  type: 'Softsign',
  allowed: FLOATS,
  expr: () => bin('div', x0, bin('add', one, un('abs', x0))),
  grad: (op, [g]) => [g && softsignGrad(g, op.inputs[0])],
});
export const SoftsignGrad = elementwiseOp({
  type: 'SoftsignGrad',
  inputNames: ['gradients', 'features'],
  allowed: FLOATS,
  expr: () => bin('div', x0, un('square', bin('add', one, un('abs', x1)))),
  grad: (op, [g]) => {
    const [dy, f] = op.inputs;
    const d = add(1, abs(f));
    // d/df [dy / (1+|f|)^2] = -2 dy sign(f) / (1+|f|)^3
    const sgn = where(greater(f, 0), 1, where(less(f, 0), -1, 0));
    return [g && div(g, square(d)), g && mul(g, div(mul(-2, mul(dy, sgn)), mul(d, square(d))))];
  },
});

export const Erf = unaryOp({
  type: 'Erf',
  allowed: FLOATS,
  expr: () => un('erf', x0),
  // d/dx erf(x) = 2/sqrt(pi) e^{-x^2}
  grad: (op, [g]) => [g && mul(g, mul(2 / Math.sqrt(Math.PI), exp(mul(-1, square(op.inputs[0])))))],
});

export const relu6Grad = (g: TensorLike, f: TensorLike): Tensor => buildElementwise(Relu6Grad, [g, f]);
export const eluGrad = (g: TensorLike, y: TensorLike): Tensor => buildElementwise(EluGrad, [g, y]);
export const seluGrad = (g: TensorLike, y: TensorLike): Tensor => buildElementwise(SeluGrad, [g, y]);
export const softplusGrad = (g: TensorLike, f: TensorLike): Tensor => buildElementwise(SoftplusGrad, [g, f]);
export const softsignGrad = (g: TensorLike, f: TensorLike): Tensor => buildElementwise(SoftsignGrad, [g, f]);
export function leakyReluGrad(g: TensorLike, f: TensorLike, alpha: number): Tensor {
  const gt = toTensor(g);
  return makeOp(LeakyReluGrad, [gt, toTensor(f, gt.dtype, gt.graph)], { alpha }).outputs[0];
}

export const relu6 = (x: TensorLike, name?: string): Tensor => buildElementwise(Relu6, [x], name);
export const elu = (x: TensorLike, name?: string): Tensor => buildElementwise(Elu, [x], name);
export const selu = (x: TensorLike, name?: string): Tensor => buildElementwise(Selu, [x], name);
export const softplus = (x: TensorLike, name?: string): Tensor => buildElementwise(Softplus, [x], name);
export const softsign = (x: TensorLike, name?: string): Tensor => buildElementwise(Softsign, [x], name);
export const erf = (x: TensorLike, name?: string): Tensor => buildElementwise(Erf, [x], name);

export function leakyRelu(x: TensorLike, alpha = 0.2, name?: string): Tensor {
  return makeOp(LeakyRelu, [toTensor(x)], { alpha }, { name }).outputs[0];
}

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

export const ELEMENTWISE_ACTIVATION_OPS = [
  Relu6, Relu6Grad, LeakyRelu, LeakyReluGrad, Elu, EluGrad, Selu, SeluGrad, Softplus, SoftplusGrad, Softsign, SoftsignGrad, Erf,
] as const satisfies readonly OpDef[];
