import type { GradFn, GradTable } from '../op_def.js';
import { gatherTensors } from './gather.js';

/** TF's _DynamicStitchGrads: each data input's gradient is the output gradient gathered at its indices. */
const stitchGrad: GradFn = (op, [g]) => {
  const n = op.inputs.length / 2;
  const none = new Array<null>(n).fill(null);
  if (!g) return [...none, ...none];
  return [...none, ...op.inputs.slice(0, n).map((indices) => gatherTensors(g, indices))];
};

export const DYNAMIC_STITCH_GRADS: GradTable = { DynamicStitch: stitchGrad, ParallelDynamicStitch: stitchGrad };
