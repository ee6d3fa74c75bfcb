import { InternalError, InvalidArgumentError, NDArray, formatShape } from '../../../graph/ir/index.js';
import type { CheckAttrs } from '../../../ops/control/check_numerics.js';
import { kernel } from './kernel.js';

/** The control family's CPU kernels. */
export const CONTROL_KERNELS = {
  CheckNumerics: kernel<CheckAttrs>(([x], attrs) => {
    const d = x.data;
    let nan = false;
    let inf = false;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      if (v !== v) nan = true;
      else if (v === Infinity || v === -Infinity) inf = true;
    }
    if (nan || inf) {
      const what = nan && inf ? 'Inf and NaN' : nan ? 'NaN' : 'Inf';
      throw new InvalidArgumentError(`${attrs.message} : Tensor had ${what} values`);
    }
    return [x];
  }),
  Identity: kernel(([x]) => [x]),
  StopGradient: kernel(([x]) => [x]),
  NoOp: kernel(() => []),
  // Control-flow ops never reach a kernel: the control-flow executor (runtime/control_flow/) gives
  // them deadness and frames. The forwarding ones still have their plain meaning here.
  Switch: kernel(() => {
    throw new InternalError('Switch is run by the control-flow executor, never as a kernel');
  }),
  Merge: kernel(() => {
    throw new InternalError('Merge is run by the control-flow executor, never as a kernel');
  }),
  // StackV2, StackPushV2 and StackPopV2 share this routine
  StackV2: kernel(() => {
    throw new InternalError('A loop stack op is run by the control-flow executor, never as a kernel');
  }),
  Enter: kernel(([x]) => [x]),
  Exit: kernel(([x]) => [x]),
  NextIteration: kernel(([x]) => [x]),
  LoopCond: kernel(([x]) => [x]),
  AddN: kernel((inputs, _a, [out]) => {
    const n = inputs[0].size;
    for (const x of inputs) {
      if (x.size !== n || x.shape.join() !== inputs[0].shape.join()) {
        throw new InvalidArgumentError(`AddN: all inputs must have the same shape, got ${inputs.map((i) => formatShape(i.shape)).join(', ')}`);
      }
    }
    const acc = new Float64Array(n);
    for (const x of inputs) {
      const d = x.data;
      for (let i = 0; i < n; i++) acc[i] += d[i];
    }
    const res = NDArray.zeros(out.dtype, out.shape);
    if (out.dtype === 'float32') (res.data as Float32Array).set(acc);
    else for (let i = 0; i < n; i++) res.data[i] = acc[i] | 0;
    return [res];
  }),
};
