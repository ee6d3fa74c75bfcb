import type { OnnxFacet, OnnxTable, TypesOf } from '../op_def.js';
import { constInput, int, ints, onnx, refused } from '../onnx_mapping.js';
import type { REDUCE_OPS } from './index.js';

/**
 * TF reductions take the axes as an operand. In opset 17 ReduceSum does too (int64), while
 * ReduceMean/Max/Min/Prod take an `axes` attribute. Reducing over no axes is the identity in TF
 * (ONNX would reduce everything), so it becomes Identity.
 */
function reduce(onnxType: string, axesAsInput: boolean): OnnxFacet {
  return onnx((ctx, op) => {
    const axes = constInput(ctx, op, 1, 'reduction_indices');
    const x = op.inputs[0].name;
    const out = [op.outputs[0].name];
    if (axes.length === 0) {
      ctx.node('Identity', [x], {}, out);
      return;
    }
    const keepdims = int(op.attrs.keep_dims === true ? 1 : 0);
    if (axesAsInput) ctx.node(onnxType, [x, ctx.int64s(axes)], { keepdims }, out);
    else ctx.node(onnxType, [x], { axes: ints(axes), keepdims }, out);
  });
}

/** ONNX ArgMax/ArgMin give int64; TF's output_type may be int32. */
function arg(onnxType: string): OnnxFacet {
  return onnx((ctx, op) => {
    const [axis] = constInput(ctx, op, 1, 'dimension');
    const idx = ctx.node(onnxType, [op.inputs[0].name], { axis: int(axis), keepdims: int(0) })[0];
    const outType = op.outputs[0].dtype;
    ctx.node('Identity', [ctx.cast(idx, 'int64', outType)], {}, [op.outputs[0].name]);
  });
}

export const REDUCE_ONNX: OnnxTable<TypesOf<typeof REDUCE_OPS>> = {
  Sum: reduce('ReduceSum', true),
  Mean: reduce('ReduceMean', false),
  Max: reduce('ReduceMax', false),
  Min: reduce('ReduceMin', false),
  Prod: reduce('ReduceProd', false),
  ArgMax: arg('ArgMax'),
  ArgMin: arg('ArgMin'),
  Cumsum: onnx((ctx, op) => {
    const a = op.attrs;
    ctx.node('CumSum', [op.inputs[0].name, op.inputs[1].name], { exclusive: int(a.exclusive ? 1 : 0), reverse: int(a.reverse ? 1 : 0) }, [op.outputs[0].name]);
  }),
  Cumprod: refused('ONNX has no cumulative product op'),
};
