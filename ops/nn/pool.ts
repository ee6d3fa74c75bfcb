import { Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType, FLOATS } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';
import { checkRank4, DataFormat } from './conv_params.js';
import { sizesOperand } from './backprop_shapes.js';
import { PaddingOption, paddingAttrs, sizesTensor, windowVector } from './options.js';
import {
  AVG_POOL_DEFAULTS, AvgPoolAttrs, expectShape, POOL_DEFAULTS, PoolAttrs, pooledShape, poolParams,
} from './pool_params.js';

/**
 * MaxPool and AvgPool with their gradients as ops (MaxPoolGrad, MaxPoolGradGrad, AvgPoolGrad),
 * each differentiable as TF registers it, so pools work under second-order gradients.
 */

export const MaxPool = defineOp<PoolAttrs>()({
  type: 'MaxPool',
  attrDefaults: POOL_DEFAULTS,
  infer: ([x], attrs, ctx) => [{ dtype: x.dtype, shape: pooledShape(x, poolParams(attrs, ctx.opType, true)) }],
  lowering: { kind: 'routine', routine: 'MaxPool' },
});

export const MaxPoolGrad = defineOp<PoolAttrs>()({
  type: 'MaxPoolGrad',
  attrDefaults: POOL_DEFAULTS,
  infer([x, y, g], attrs, ctx) {
    checkSameDType(['orig_input', 'orig_output', 'grad'], [x.dtype, y.dtype, g.dtype], ctx.opType);
    const pooled = pooledShape(x, poolParams(attrs, ctx.opType, true));
    checkRank4(y.shape);
    checkRank4(g.shape);
    expectShape('orig_output', pooled, y.shape);
    expectShape('grad', pooled, g.shape);
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  lowering: { kind: 'routine', routine: 'MaxPoolGrad' },
});

export const MaxPoolGradGrad = defineOp<PoolAttrs>()({
  type: 'MaxPoolGradGrad',
  attrDefaults: POOL_DEFAULTS,
  infer([x, y, g], attrs, ctx) {
    checkSameDType(['orig_input', 'orig_output', 'grad'], [x.dtype, y.dtype, g.dtype], ctx.opType);
    const pooled = pooledShape(x, poolParams(attrs, ctx.opType, true));
    checkRank4(y.shape);
    checkRank4(g.shape);
    expectShape('orig_output', pooled, y.shape);
    expectShape('grad', x.shape, g.shape);
    return [{ dtype: x.dtype, shape: pooled }];
  },
  lowering: { kind: 'routine', routine: 'MaxPoolGradGrad' },
});

export const AvgPool = defineOp<AvgPoolAttrs>()({
  type: 'AvgPool',
  attrDefaults: AVG_POOL_DEFAULTS,
  infer: ([x], attrs, ctx) => [{ dtype: x.dtype, shape: pooledShape(x, poolParams(attrs, ctx.opType, false)) }],
  lowering: { kind: 'routine', routine: 'AvgPool' },
});

export const AvgPoolGrad = defineOp<AvgPoolAttrs>()({
  type: 'AvgPoolGrad',
  hostInputs: [0],
  attrDefaults: AVG_POOL_DEFAULTS,
  infer([sizes, g], attrs, ctx) {
    checkDType('grad', g.dtype, FLOATS);
    checkRank4(g.shape);
    const p = poolParams(attrs, ctx.opType, false);
    const input = sizesOperand(sizes, 'orig_input_shape', p, null);
    expectShape('grad', pooledShape({ dtype: g.dtype, shape: input, value: null }, p), g.shape);
    return [{ dtype: g.dtype, shape: input }];
  },
  lowering: { kind: 'routine', routine: 'AvgPoolGrad' },
});

export interface PoolOptions {
  /** Window size: an int, or 1, 2 or 4 ints (4: in the data format's layout). */
  ksize: number | readonly number[];
  strides: number | readonly number[];
  /** Explicit pairs are MaxPool only, as in TF. */
  padding: PaddingOption;
  dataFormat?: DataFormat;
}

function poolAttrs(options: PoolOptions): PoolAttrs {
  const format = options.dataFormat ?? 'NHWC';
  return {
    ksize: windowVector(options.ksize, format, 'ksize'),
    strides: windowVector(options.strides, format, 'strides'),
    ...paddingAttrs(options.padding),
    data_format: format,
  };
}

/** tf.nn.max_pool. */
export function maxPool(x: TensorLike, options: PoolOptions, name?: string): Tensor {
  return makeOp(MaxPool, [toTensor(x, undefined, graphOf([x]))], poolAttrs(options), { name }).outputs[0];
}

/** AvgPool has no explicit_paddings attr in TF: explicit pairs are refused by its padding check. */
function avgPoolAttrs(options: PoolOptions): AvgPoolAttrs {
  const { explicit_paddings: _unused, ...rest } = poolAttrs(options);
  return rest;
}

/** tf.nn.avg_pool: SAME windows average only their real elements. */
export function avgPool(x: TensorLike, options: PoolOptions, name?: string): Tensor {
  return makeOp(AvgPool, [toTensor(x, undefined, graphOf([x]))], avgPoolAttrs(options), { name }).outputs[0];
}

/** TF's gen_nn_ops.avg_pool_grad as a builder: the gradient of avgPool for an input of `inputShape`. */
export function avgPoolGrad(inputShape: TensorLike | readonly number[], grad: TensorLike, options: PoolOptions, name?: string): Tensor {
  const g = graphOf([inputShape, grad]);
  return makeOp(AvgPoolGrad, [sizesTensor(inputShape, g), toTensor(grad, undefined, g)], avgPoolAttrs(options), { name, graph: g }).outputs[0];
}
