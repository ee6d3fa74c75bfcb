import type { NDArray } from '../../graph/ir/index.js';
import type { OnnxTable, TypesOf } from '../op_def.js';
import { onnx } from '../onnx_mapping.js';
import type { LEAF_OPS } from './index.js';

/** Placeholders listed as inputs become model inputs (the exporter stops there); Consts become initializers. */
export const LEAF_ONNX: OnnxTable<TypesOf<typeof LEAF_OPS>> = {
  Placeholder: onnx((ctx, op) =>
    ctx.refuse(`placeholder '${op.outputs[0].name}' is needed by the outputs but not listed in the export's inputs`),
  ),
  // not fed: the default value
  PlaceholderWithDefault: onnx((ctx, op) => {
    ctx.node('Identity', [op.inputs[0].name], {}, [op.outputs[0].name]);
  }),
  Const: onnx((ctx, op) => {
    ctx.constant(op.attrs.value as NDArray, op.outputs[0].name);
  }),
};
