import { Tensor, UnimplementedError } from '../../graph/ir/index.js';
import { zerosLike } from '../array/fill_like.js';
import { equal } from '../elementwise/compare.js';
import { makeOp } from '../builder.js';
import type { GradFn, GradTable } from '../op_def.js';
import { Merge, Switch } from './control_flow.js';
import type { ControlOpType } from './index.js';

/**
 * Gradients of the cond primitives, as TF1's control_flow_grad.py: the gradient of a Switch is a
 * Merge of its two outputs' gradients (only the taken side is live), the gradient of a Merge is a
 * Switch of the incoming gradient on which input was taken (value_index). A Switch output with no
 * gradient gets zeros made from that output, so they are live exactly when its branch ran.
 * While-loop gradients come from the loop builder (ops/control/while_grad.ts), which sees the
 * whole loop; the primitives alone do not say how many iterations ran.
 */
const switchGrad: GradFn = (op, [gFalse, gTrue]) => {
  if (gFalse === null && gTrue === null) return [null, null];
  const f = gFalse ?? zerosLike(op.outputs[0]);
  const t = gTrue ?? zerosLike(op.outputs[1]);
  return [makeOp(Merge, [f, t], { N: 2 }, { name: 'cond_grad' }).outputs[0], null];
};

const mergeGrad: GradFn = (op, [g]) => {
  if (g === null) return op.inputs.map(() => null);
  const vi = op.outputs[1];
  if (op.inputs.length === 2) {
    const sw = makeOp(Switch, [g, equal(vi, 1)], {}, { name: 'cond_grad' });
    return [sw.outputs[0], sw.outputs[1]];
  }
  return op.inputs.map((_x, i): Tensor => makeOp(Switch, [g, equal(vi, i)], {}, { name: 'cond_grad' }).outputs[1]);
};

const loopOnly = (type: string): GradFn => () => {
  throw new UnimplementedError(`${type}: gradients through a while loop need the loop built by tg.whileLoop (its gradient is taken as a whole); this ${type} is not part of one`);
};

export const CONTROL_FLOW_GRADS: GradTable<ControlOpType> = {
  Switch: switchGrad,
  RefSwitch: switchGrad,
  Merge: mergeGrad,
  RefMerge: mergeGrad,
  Enter: loopOnly('Enter'),
  RefEnter: loopOnly('RefEnter'),
  Exit: loopOnly('Exit'),
  RefExit: loopOnly('RefExit'),
  NextIteration: loopOnly('NextIteration'),
  RefNextIteration: loopOnly('RefNextIteration'),
};
