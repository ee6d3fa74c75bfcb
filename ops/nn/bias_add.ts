import { InvalidArgumentError, PartialShape, Tensor } from '../../graph/ir/index.js';
import { dtypeHint, graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType, NUMERIC } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';
import { DataFormat, dataFormatOf } from './conv_params.js';

/**
 * BiasAdd adds a vector along the channel dim (last for NHWC, 1 for NCHW, any rank); BiasAddGrad
 * sums over every other dim. Both are ops of their own, as in TF, so fusion passes can match them.
 */

export type BiasAddAttrs = { data_format: string };

/** The channel axis and TF's minimum rank for a format. */
export function channelAxis(rank: number, format: DataFormat): number {
  const min = format === 'NCHW' ? 3 : 2;
  if (rank < min) throw new InvalidArgumentError(`Shape must be at least rank ${min} but is rank ${rank}`);
  return format === 'NCHW' ? 1 : rank - 1;
}

export const BiasAdd = defineOp<BiasAddAttrs>()({
  type: 'BiasAdd',
  attrDefaults: { data_format: 'NHWC' },
  infer([x, b], attrs, ctx) {
    const dtype = checkSameDType(['value', 'bias'], [x.dtype, b.dtype], ctx.opType);
    checkDType('value', dtype, NUMERIC);
    const format = dataFormatOf(attrs.data_format);
    if (b.shape !== null && b.shape.length !== 1) throw new InvalidArgumentError(`Shape must be rank 1 but is rank ${b.shape.length}`);
    if (x.shape === null) return [{ dtype, shape: null }];
    const axis = channelAxis(x.shape.length, format);
    const c = x.shape[axis];
    const bc = b.shape === null ? null : b.shape[0];
    if (c !== null && bc !== null && c !== bc) throw new InvalidArgumentError(`Dimensions must be equal, but are ${c} and ${bc}`);
    const out: PartialShape = [...x.shape];
    out[axis] = c ?? bc;
    return [{ dtype, shape: out }];
  },
  lowering: { kind: 'routine', routine: 'BiasAdd' },
});

export const BiasAddGrad = defineOp<BiasAddAttrs>()({
  type: 'BiasAddGrad',
  attrDefaults: { data_format: 'NHWC' },
  infer([g], attrs) {
    checkDType('out_backprop', g.dtype, NUMERIC);
    const format = dataFormatOf(attrs.data_format);
    if (g.shape === null) return [{ dtype: g.dtype, shape: [null] }];
    return [{ dtype: g.dtype, shape: [g.shape[channelAxis(g.shape.length, format)]] }];
  },
  lowering: { kind: 'routine', routine: 'BiasAddGrad' },
});

/** tf.nn.bias_add: `bias` (a vector) added along the channel dim of `value`. */
export function biasAdd(value: TensorLike, bias: TensorLike, options: { dataFormat?: DataFormat } = {}, name?: string): Tensor {
  const g = graphOf([value, bias]);
  const hint = dtypeHint([value, bias]);
  return makeOp(BiasAdd, [toTensor(value, hint, g), toTensor(bias, hint, g)], { data_format: options.dataFormat ?? 'NHWC' }, { name, graph: g }).outputs[0];
}
