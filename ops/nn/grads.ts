import { NDArray, Operation, Tensor, UnimplementedError } from '../../graph/ir/index.js';
import { zerosLike } from '../array/fill_like.js';
import { reshape, shape } from '../array/reshape.js';
import { makeOp, toTensor } from '../builder.js';
import { add, mul, pow, sub } from '../elementwise/math_binary.js';
import { square } from '../elementwise/math_unary.js';
import { matMul } from '../matmul/matmul.js';
import type { GradFn, GradTable } from '../op_def.js';
import { BiasAdd, BiasAddGrad } from './bias_add.js';
import { Conv2D, Conv2DAttrs, Conv2DBackpropFilter, Conv2DBackpropInput } from './conv2d.js';
import { ConvAttrs, convAttrsOf } from './conv_params.js';
import { DepthwiseConv2dNative, DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput } from './depthwise.js';
import type { NnConvOpType } from './index.js';
import { LRNAttrs, LRNGrad } from './lrn.js';
import { AvgPool, AvgPoolGrad, MaxPoolGrad, MaxPoolGradGrad } from './pool.js';
import { avgPoolAttrsOf, PoolAttrs, poolAttrsOf } from './pool_params.js';

/*
 * Gradients of convolutions, pools, bias and LRN. Each backprop op is differentiable in terms of
 * the others, as TF registers them, so second-order gradients work.
 */

const conv2dAttrsOf = (op: Operation): Conv2DAttrs => ({ ...convAttrsOf(op), use_cudnn_on_gpu: op.attrs.use_cudnn_on_gpu !== false });

const conv = (x: Tensor, f: Tensor, a: Conv2DAttrs): Tensor => makeOp(Conv2D, [x, f], a).outputs[0];
const backpropInput = (sizes: Tensor, f: Tensor, dy: Tensor, a: Conv2DAttrs): Tensor => makeOp(Conv2DBackpropInput, [sizes, f, dy], a).outputs[0];
const backpropFilter = (x: Tensor, sizes: Tensor, dy: Tensor, a: Conv2DAttrs): Tensor => makeOp(Conv2DBackpropFilter, [x, sizes, dy], a).outputs[0];

const conv2dGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null];
  const [x, f] = op.inputs;
  const a = conv2dAttrsOf(op);
  return [backpropInput(shape(x), f, g, a), backpropFilter(x, shape(f), g, a)];
};

const depthwise = (x: Tensor, f: Tensor, a: ConvAttrs): Tensor => makeOp(DepthwiseConv2dNative, [x, f], a).outputs[0];
const dwBackpropInput = (sizes: Tensor, f: Tensor, dy: Tensor, a: ConvAttrs): Tensor =>
  makeOp(DepthwiseConv2dNativeBackpropInput, [sizes, f, dy], a).outputs[0];
const dwBackpropFilter = (x: Tensor, sizes: Tensor, dy: Tensor, a: ConvAttrs): Tensor =>
  makeOp(DepthwiseConv2dNativeBackpropFilter, [x, sizes, dy], a).outputs[0];

const maxPoolGrad = (x: Tensor, y: Tensor, g: Tensor, a: PoolAttrs): Tensor => makeOp(MaxPoolGrad, [x, y, g], a).outputs[0];
const maxPoolGradGrad = (x: Tensor, y: Tensor, g: Tensor, a: PoolAttrs): Tensor => makeOp(MaxPoolGradGrad, [x, y, g], a).outputs[0];

function lrnAttrsOf(op: Operation): LRNAttrs {
  const a = op.attrs;
  return { depth_radius: a.depth_radius as number, bias: a.bias as number, alpha: a.alpha as number, beta: a.beta as number };
}

/**
 * The gradient of dx = dy·P − 2αβ·x·B(dy·y/N) (P = N^-β, N = bias + α·B(x²), B the window sum
 * over depth, which is symmetric) with respect to dy, x and y taken as independent inputs.
 */
function lrnGradGrad(dy: Tensor, x: Tensor, y: Tensor, g: Tensor, a: LRNAttrs): Tensor[] {
  const c = x.shape?.[3] ?? dy.shape?.[3] ?? null;
  if (c === null) throw new UnimplementedError('The gradient of LRNGrad needs the depth of its input known when the graph is built');
  const band = new Float32Array(c * c);
  for (let i = 0; i < c; i++) for (let j = Math.max(0, i - a.depth_radius); j <= Math.min(c - 1, i + a.depth_radius); j++) band[i * c + j] = 1;
  const bandT = toTensor(NDArray.from(band, [c, c]), 'float32', x.graph, 'lrn_band');
  const xShape = shape(x);
  const B = (v: Tensor) => reshape(matMul(reshape(v, [-1, c]), bandT), xShape);
  const k = -2 * a.alpha * a.beta;
  const n = add(a.bias, mul(a.alpha, B(square(x))));
  const p = pow(n, -a.beta);
  const invN = pow(n, -1);
  const bxg = B(mul(x, g));
  const u = mul(mul(dy, y), invN);
  const gDy = add(mul(g, p), mul(k, mul(mul(y, invN), bxg)));
  const gY = mul(k, mul(mul(dy, invN), bxg));
  // dL/dN, then through N = bias + α·B(x²)
  const s = sub(mul(-a.beta, mul(mul(g, dy), mul(p, invN))), mul(k, mul(bxg, mul(mul(dy, y), square(invN)))));
  const gX = add(mul(k, mul(g, B(u))), mul(2 * a.alpha, mul(x, B(s))));
  return [gDy, gX, gY];
}

export const NN_CONV_GRADS: GradTable<NnConvOpType> = {
  Conv2D: conv2dGrad,
  // TF's _Conv2DBackpropInputGrad: linear in filter and out_backprop
  Conv2DBackpropInput: (op, [g]) => {
    if (!g) return [null, null, null];
    const [, f, dy] = op.inputs;
    const a = conv2dAttrsOf(op);
    return [null, backpropFilter(g, shape(f), dy, a), conv(g, f, a)];
  },
  // TF's _Conv2DBackpropFilterGrad
  Conv2DBackpropFilter: (op, [g]) => {
    if (!g) return [null, null, null];
    const [x, , dy] = op.inputs;
    const a = conv2dAttrsOf(op);
    return [backpropInput(shape(x), g, dy, a), null, conv(x, g, a)];
  },
  DepthwiseConv2dNative: (op, [g]) => {
    if (!g) return [null, null];
    const [x, f] = op.inputs;
    const a = convAttrsOf(op);
    return [dwBackpropInput(shape(x), f, g, a), dwBackpropFilter(x, shape(f), g, a)];
  },
  DepthwiseConv2dNativeBackpropInput: (op, [g]) => {
    if (!g) return [null, null, null];
    const [, f, dy] = op.inputs;
    const a = convAttrsOf(op);
    return [null, dwBackpropFilter(g, shape(f), dy, a), depthwise(g, f, a)];
  },
  DepthwiseConv2dNativeBackpropFilter: (op, [g]) => {
    if (!g) return [null, null, null];
    const [x, , dy] = op.inputs;
    const a = convAttrsOf(op);
    return [dwBackpropInput(shape(x), g, dy, a), null, depthwise(x, g, a)];
  },
  MaxPool: (op, [g]) => [g && maxPoolGrad(op.inputs[0], op.outputs[0], g, poolAttrsOf(op))],
  // TF's _MaxPoolGradGrad: the argmax is locally constant in the pooled values
  MaxPoolGrad: (op, [g]) => {
    if (!g) return [null, null, null];
    const [x, y] = op.inputs;
    return [zerosLike(x), zerosLike(y), maxPoolGradGrad(x, y, g, poolAttrsOf(op))];
  },
  MaxPoolGradGrad: (op, [g]) => {
    if (!g) return [null, null, null];
    const [x, y] = op.inputs;
    return [zerosLike(x), zerosLike(y), maxPoolGrad(x, y, g, poolAttrsOf(op))];
  },
  AvgPool: (op, [g]) => [g && makeOp(AvgPoolGrad, [shape(op.inputs[0]), g], avgPoolAttrsOf(op)).outputs[0]],
  // TF's _AvgPoolGradGrad: linear in grad
  AvgPoolGrad: (op, [g]) => [null, g && makeOp(AvgPool, [g], avgPoolAttrsOf(op)).outputs[0]],
  LRN: (op, [g]) => [g && makeOp(LRNGrad, [g, op.inputs[0], op.outputs[0]], lrnAttrsOf(op)).outputs[0]],
  LRNGrad: (op, [g]) => (g ? lrnGradGrad(op.inputs[0], op.inputs[1], op.inputs[2], g, lrnAttrsOf(op)) : [null, null, null]),
  BiasAdd: (op, [g]) => (g ? [g, makeOp(BiasAddGrad, [g], { data_format: op.attrs.data_format }).outputs[0]] : [null, null]),
  // TF's _BiasAddGradGrad tiles the gradient over the input's shape; adding it as a bias to zeros does that
  BiasAddGrad: (op, [g]) => [g && makeOp(BiasAdd, [zerosLike(op.inputs[0]), g], { data_format: op.attrs.data_format }).outputs[0]],
};
