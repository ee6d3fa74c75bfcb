import type { OnnxTable, TypesOf } from '../op_def.js';
import { onnx, refused, same } from '../onnx_mapping.js';
import type { CONTROL_OPS } from './index.js';

const primitive = (t: string) =>
  refused(`${t} is a TF1 control-flow primitive; ONNX expresses control flow only as If/Loop subgraphs, and this ${t} is not part of a tg.cond/tg.whileLoop structure the exporter recognises`);

export const CONTROL_ONNX: OnnxTable<TypesOf<typeof CONTROL_OPS>> = {
  Identity: same('Identity'),
  StopGradient: same('Identity'),
  // an inference model keeps the values; the run-time check has no ONNX counterpart
  CheckNumerics: same('Identity'),
  // no outputs: nothing an exported output can depend on
  NoOp: onnx(() => {}),
  // TF1 control flow is a dataflow encoding (dead tensors, frames) that ONNX has no node for: an
  // exported cond or while loop must become a structured If/Loop, done by the exporter for the
  // shapes it recognises (serialization/onnx); a lone primitive cannot be mapped on its own.
  Switch: primitive('Switch'),
  RefSwitch: primitive('RefSwitch'),
  Merge: primitive('Merge'),
  RefMerge: primitive('RefMerge'),
  Enter: primitive('Enter'),
  RefEnter: primitive('RefEnter'),
  Exit: primitive('Exit'),
  RefExit: primitive('RefExit'),
  NextIteration: primitive('NextIteration'),
  RefNextIteration: primitive('RefNextIteration'),
  LoopCond: primitive('LoopCond'),
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
