import type { OnnxTable, TypesOf } from '../op_def.js';
import { onnx, same } from '../onnx_mapping.js';
import type { CONTROL_OPS } from './index.js';

export const CONTROL_ONNX: OnnxTable<TypesOf<typeof CONTROL_OPS>> = {
  Identity: same('Identity'),
  StopGradient: same('Identity'),
  // an inference model keeps the values; the run-time check has no ONNX counterpart
  CheckNumerics: same('Identity'),
  // no outputs: nothing an exported output can depend on
  NoOp: onnx(() => {}),
  AddN: onnx((ctx, op) => {
    const xs = op.inputs.map((v) => v.name);
    const out = [op.outputs[0].name];
    if (xs.length === 1) ctx.node('Identity', xs, {}, out);
    else if (op.outputs[0].dtype === 'float32') ctx.node('Sum', xs, {}, out);
    else ctx.node('Add', [xs.slice(0, -1).reduce((a, b) => ctx.node('Add', [a, b])[0]), xs[xs.length - 1]], {}, out);
  }),
};
