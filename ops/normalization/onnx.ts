import type { OnnxTable, TypesOf } from '../op_def.js';
import { float, GRADIENT_ONLY, inNCHW, onnx } from '../onnx_mapping.js';
import type { NORMALIZATION_OPS } from './index.js';

export const NORMALIZATION_ONNX: OnnxTable<TypesOf<typeof NORMALIZATION_OPS>> = {
  // inference mode only: normalise with the given mean and variance (ONNX BatchNormalization, NCHW)
  FusedBatchNormV3: onnx((ctx, op) => {
    if (op.attrs.is_training) ctx.refuse('is_training=true computes batch statistics; export the inference graph (is_training=false)');
    const [x, scale, offset, mean, variance] = op.inputs.map((v) => v.name);
    const nhwc = op.attrs.data_format !== 'NCHW';
    inNCHW(ctx, nhwc, x, op.outputs[0].name, (xc) =>
      ctx.node('BatchNormalization', [xc, scale, offset, mean, variance], { epsilon: float(op.attrs.epsilon as number) })[0],
    );
    // the statistics outputs pass the given moments through, as TF does at inference
    ctx.node('Identity', [mean], {}, [op.outputs[1].name]);
    ctx.node('Identity', [variance], {}, [op.outputs[2].name]);
  }),
  FusedBatchNormGradV3: GRADIENT_ONLY,
};
