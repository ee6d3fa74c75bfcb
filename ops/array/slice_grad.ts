import { NDArray, Tensor } from '../../graph/ir/index.js';
import { staticValue, toTensor } from '../builder.js';
import { intVector } from '../kernel_util.js';
import type { GradFn, GradTable } from '../op_def.js';
import { sub } from '../elementwise/math_binary.js';
import { asInt32, staticShape } from './operands.js';
import { stack } from './pack.js';
import { padTensors } from './pad.js';
import { shape as shapeOp } from './reshape.js';
import type { ArrayOpType } from './index.js';

/** d slice = the gradient padded back to the input's shape with zeros. */
const sliceGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null, null];
  const [x, begin] = op.inputs;
  const xs = staticShape(x);
  const ys = staticShape(op.outputs[0]);
  const bv = staticValue(begin);
  let paddings: Tensor;
  if (xs && ys && bv) {
    const b = intVector(bv, 'begin');
    const flat = xs.flatMap((d, i) => [b[i], d - b[i] - ys[i]]);
    paddings = toTensor(NDArray.from(Int32Array.from(flat), [xs.length, 2], 'int32'), 'int32', x.graph);
  } else {
    const before = asInt32(begin);
    const after = sub(sub(shapeOp(x), before), shapeOp(op.outputs[0]));
    paddings = stack([before, after], 1);
  }
  return [padTensors(g, paddings), null, null];
};

export const SLICE_GRADS: GradTable<ArrayOpType> = { Slice: sliceGrad };
