import type { Tensor } from '../../graph/ir/index.js';
import { makeOp, TensorLike, toTensor } from '../builder.js';
import { FLOATS } from '../dtype_sets.js';
import { elementwiseOp, unaryOp } from '../elementwise/define.js';
import { buildElementwise } from '../elementwise/build.js';
import { bin, lit, select, un, x0, x1 } from '../elementwise/scalar_expr.js';
import type { OpDef } from '../op_def.js';

// Gradients: grads.ts (they build with other families' ops).

// SELU's constants, as in TF (Klambauer et al. 2017).
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

const zero = lit(0);
const one = lit(1);

export const Relu6 = unaryOp({
  type: 'Relu6',
  allowed: FLOATS,
  expr: () => select(bin('lt', x0, zero), zero, select(bin('gt', x0, lit(6)), lit(6), x0)),
});
export const Relu6Grad = elementwiseOp({
  type: 'Relu6Grad',
  inputNames: ['gradients', 'features'],
  allowed: FLOATS,
  expr: () => select(bin('and', bin('gt', x1, zero), bin('lt', x1, lit(6))), x0, zero),
});

type AlphaAttrs = { alpha: number };

export const LeakyRelu = unaryOp<AlphaAttrs, 'LeakyRelu'>({
  type: 'LeakyRelu',
  allowed: FLOATS,
  attrDefaults: { alpha: 0.2 },
  expr: (a) => select(bin('gt', x0, zero), x0, bin('mul', x0, lit(a.alpha))),
});
export const LeakyReluGrad = elementwiseOp<AlphaAttrs, 'LeakyReluGrad'>({
  type: 'LeakyReluGrad',
  inputNames: ['gradients', 'features'],
  allowed: FLOATS,
  attrDefaults: { alpha: 0.2 },
  expr: (a) => select(bin('gt', x1, zero), x0, bin('mul', x0, lit(a.alpha))),
});

export const Elu = unaryOp({
  type: 'Elu',
  allowed: FLOATS,
  expr: () => select(bin('gt', x0, zero), x0, un('expm1', x0)),
});
/** EluGrad(gradients, outputs): g where y > 0, else g * (y + 1). */
export const EluGrad = elementwiseOp({
  type: 'EluGrad',
  inputNames: ['gradients', 'outputs'],
  allowed: FLOATS,
  expr: () => select(bin('gt', x1, zero), x0, bin('mul', x0, bin('add', x1, one))),
});

export const Selu = unaryOp({
  type: 'Selu',
  allowed: FLOATS,
  expr: () => select(bin('gt', x0, zero), bin('mul', x0, lit(SELU_SCALE)), bin('mul', lit(SELU_SCALE * SELU_ALPHA), un('expm1', x0))),
});
/** SeluGrad(gradients, outputs): g*scale where y > 0, else g * (y + scale*alpha). */
export const SeluGrad = elementwiseOp({
  type: 'SeluGrad',
  inputNames: ['gradients', 'outputs'],
  allowed: FLOATS,
  expr: () => select(bin('gt', x1, zero), bin('mul', x0, lit(SELU_SCALE)), bin('mul', x0, bin('add', x1, lit(SELU_SCALE * SELU_ALPHA)))),
});

/** softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so it never overflows. */
export const Softplus = unaryOp({
  type: 'Softplus',
  allowed: FLOATS,
  expr: () => bin('add', bin('max', x0, zero), un('log1p', un('exp', un('neg', un('abs', x0))))),
});
export const SoftplusGrad = elementwiseOp({
  type: 'SoftplusGrad',
  inputNames: ['gradients', 'features'],
  allowed: FLOATS,
  expr: () => bin('mul', x0, un('sigmoid', x1)),
});

export const Softsign = unaryOp({
  type: 'Softsign',
  allowed: FLOATS,
  expr: () => bin('div', x0, bin('add', one, un('abs', x0))),
});
export const SoftsignGrad = elementwiseOp({
  type: 'SoftsignGrad',
  inputNames: ['gradients', 'features'],
  allowed: FLOATS,
  expr: () => bin('div', x0, un('square', bin('add', one, un('abs', x1)))),
});

export const Erf = unaryOp({
  type: 'Erf',
  allowed: FLOATS,
  expr: () => un('erf', x0),
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

export const ELEMENTWISE_ACTIVATION_OPS = [
  Relu6, Relu6Grad, LeakyRelu, LeakyReluGrad, Elu, EluGrad, Selu, SeluGrad, Softplus, SoftplusGrad, Softsign, SoftsignGrad, Erf,
] as const satisfies readonly OpDef[];
