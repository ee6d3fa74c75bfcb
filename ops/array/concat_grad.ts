import { Tensor } from '../../graph/ir/index.js';
import { staticValue } from '../builder.js';
import type { GradFn, GradTable } from '../op_def.js';
import { floorMod } from '../elementwise/math_binary.js';
import { gather } from './gather.js';
import { asInt32, checkedAxis, int32Const, shapeTensor } from './operands.js';
import { stack } from './pack.js';
import { rank, shape as shapeOp } from './reshape.js';
import { splitV } from './split.js';
import { axisRangeError } from './concat.js';
import type { ArrayOpType } from './index.js';

/** The sizes of `values` along the concat axis, as an int32 vector (a Const when all are static). */
function sizesAlongAxis(values: readonly Tensor[], axisT: Tensor): Tensor {
  const g = axisT.graph;
  const av = staticValue(axisT);
  const r = values.find((v) => v.rank !== null)?.rank ?? null;
  if (av !== null && r !== null) {
    const a = checkedAxis(av.data[0], r, axisRangeError(av.data[0], r));
    const dims = values.map((v) => v.shape?.[a] ?? null);
    if (dims.every((d) => d !== null)) return int32Const(dims as number[], g);
    return stack(values.map((v, i) => (dims[i] !== null ? int32Const(dims[i]!, g) : gather(shapeTensor(v), a))));
  }
  const a = floorMod(asInt32(axisT), rank(values[0]));
  return stack(values.map((v) => gather(shapeOp(v), a)));
}

/** d concat = the slices of the gradient that each input contributed (SplitV by their sizes). */
const concatGrad: GradFn = (op, [g]) => {
  const n = op.inputs.length - 1;
  const values = op.inputs.slice(0, n);
  const axisT = op.inputs[n];
  if (!g) return op.inputs.map(() => null);
  if (n === 1) return [g, null];
  return [...splitV(g, sizesAlongAxis(values, axisT), axisT, n), null];
};

export const CONCAT_GRADS: GradTable<ArrayOpType> = { ConcatV2: concatGrad };
