import type { GradFn, GradTable } from '../op_def.js';
import { div, mul } from '../elementwise/math_binary.js';
import { equal, where } from '../elementwise/compare.js';
import { onesLike, zerosLike } from '../array/fill_like.js';
import { cumprod, cumsum } from './cumulative.js';
import type { ReduceOpType } from './index.js';

/** TF's _CumsumGrad: the running sum taken the other way. */
const cumsumGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null];
  const reverse = op.attrs.reverse === true;
  return [cumsum(g, op.inputs[1], { exclusive: op.attrs.exclusive === true, reverse: !reverse }), null];
};

/**
 * TF's _CumprodGrad: reverse cumsum of (cumprod · grad), divided by x with 0 where x is 0
 * (div_no_nan). Like TF's, this is not the true gradient at zeros of x.
 */
const cumprodGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null];
  const [x, axis] = op.inputs;
  const exclusive = op.attrs.exclusive === true;
  const reverse = op.attrs.reverse === true;
  const prod = cumprod(x, axis, { exclusive, reverse });
  const out = cumsum(mul(prod, g), axis, { exclusive, reverse: !reverse });
  const isZero = equal(x, 0);
  return [where(isZero, zerosLike(out), div(out, where(isZero, onesLike(x), x))), null];
};

export const CUMULATIVE_GRADS: GradTable<ReduceOpType> = { Cumsum: cumsumGrad, Cumprod: cumprodGrad };
