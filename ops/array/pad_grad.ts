import { Tensor } from '../../graph/ir/index.js';
import { staticValue } from '../builder.js';
import type { GradFn, GradTable } from '../op_def.js';
import { asInt32, int32Const, shapeTensor, staticShape } from './operands.js';
import { reshape } from './reshape.js';
import { sliceTensors } from './slice.js';
import type { ArrayOpType } from './index.js';

/** d pad = the gradient with the padding sliced off. */
const padGrad: GradFn = (op, [g]) => {
  const rest = op.inputs.slice(1).map(() => null);
  if (!g) return [null, ...rest];
  const [x, paddings] = op.inputs;
  const pv = staticValue(paddings);
  const xs = staticShape(x);
  let begin: Tensor;
  if (pv && xs) {
    const p = Array.from(pv.data);
    begin = int32Const(xs.map((_d, i) => p[2 * i]), x.graph);
  } else {
    // the first column of paddings, as a vector
    const p = asInt32(paddings);
    begin = reshape(sliceTensors(p, int32Const([0, 0], x.graph), int32Const([-1, 1], x.graph)), [-1]);
  }
  return [sliceTensors(g, begin, shapeTensor(x)), ...rest];
};

export const PAD_GRADS: GradTable<ArrayOpType> = { Pad: padGrad, PadV2: padGrad };
