import { NDArray, Tensor } from '../../graph/ir/index.js';
import { toTensor } from '../builder.js';
import { reduceSum } from './reductions.js';
import type { GradFn, GradTable } from '../op_def.js';
import { reshape, shape as shapeOf, size } from '../array/reshape.js';
import { broadcastTo } from '../array/broadcast.js';
import { cast } from '../array/cast.js';
import { div, maximum, mul } from '../elementwise/math_binary.js';
import { equal } from '../elementwise/compare.js';
import { keepDimsShape } from './keep_dims_shape.js';
import { prodGrad } from './prod_grad.js';
import type { ReduceOpType } from './index.js';

const sumGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null];
  const [x, axes] = op.inputs;
  const kept = op.attrs.keep_dims ? g : reshape(g, keepDimsShape(x, axes));
  return [broadcastTo(kept, shapeOf(x)), null];
};

const meanGrad: GradFn = (op, grads) => {
  const [sum] = sumGrad(op, grads);
  if (!sum) return [null, null];
  const x = op.inputs[0];
  const y = op.outputs[0];
  const xs = x.shape;
  const ys = y.shape;
  let count: Tensor;
  if (xs && ys && xs.every((d) => d !== null) && ys.every((d) => d !== null)) {
    const n = (xs as number[]).reduce((a, b) => a * b, 1) / Math.max((ys as number[]).reduce((a, b) => a * b, 1), 1);
    count = toTensor(NDArray.scalar(n, x.dtype), x.dtype, x.graph);
  } else {
    count = cast(div(size(x), maximum(size(y), 1)), x.dtype);
  }
  return [div(sum, count), null];
};

const extremumGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null];
  const [x, axes] = op.inputs;
  const keep = keepDimsShape(x, axes);
  const yKeep = reshape(op.outputs[0], keep);
  const gKeep = reshape(g, keep);
  const indicators = cast(equal(x, yKeep), x.dtype);
  const count = reshape(reduceSum(indicators, axes), keep);
  return [mul(div(indicators, count), gKeep), null];
};

export const REDUCTION_GRADS: GradTable<ReduceOpType> = { Sum: sumGrad, Mean: meanGrad, Max: extremumGrad, Min: extremumGrad, Prod: prodGrad };
