import type { OnnxFacet } from '../op_def.js';
import { onnx, refused, same } from '../onnx_mapping.js';

export const CONTROL_ONNX: Readonly<Record<string, OnnxFacet>> = {
  Identity: same('Identity'),
  StopGradient: same('Identity'),
  // an inference model keeps the values; the run-time check has no ONNX counterpart
  CheckNumerics: same('Identity'),
  // no outputs: nothing an exported output can depend on
  NoOp: onnx(() => {}),
  // TF1 control flow is a dataflow encoding (dead tensors, frames) that ONNX has no node for: an
  // exported cond or while loop must become a structured If/Loop, done by the exporter for the
  // shapes it recognises (serialization/onnx); a lone primitive cannot be mapped on its own.
  ...Object.fromEntries(
    ['Switch', 'RefSwitch', 'Merge', 'RefMerge', 'Enter', 'RefEnter', 'Exit', 'RefExit', 'NextIteration', 'RefNextIteration', 'LoopCond'].map((t) => [
      t,
      refused(`${t} is a TF1 control-flow primitive; ONNX expresses control flow only as If/Loop subgraphs, and this ${t} is not part of a tg.cond/tg.whileLoop structure the exporter recognises`),
    ]),
  ),
  ControlTrigger: onnx(() => {}),
  StackV2: refused('it keeps a while loop\'s values for its gradient, found only in training graphs'),
  StackPushV2: refused('it keeps a while loop\'s values for its gradient, found only in training graphs'),
  StackPopV2: refused('it keeps a while loop\'s values for its gradient, found only in training graphs'),
  AddN: onnx((ctx, op) => {
    const xs = op.inputs.map((v) => v.name);
    const out = [op.outputs[0].name];
    if (xs.length === 1) ctx.node('Identity', xs, {}, out);
    else if (op.outputs[0].dtype === 'float32') ctx.node('Sum', xs, {}, out);
    else ctx.node('Add', [xs.slice(0, -1).reduce((a, b) => ctx.node('Add', [a, b])[0]), xs[xs.length - 1]], {}, out);
  }),
};
