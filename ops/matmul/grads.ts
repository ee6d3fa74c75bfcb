import type { Tensor } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { sumToShapeOf } from '../elementwise/broadcast_grad.js';
import type { GradTable } from '../op_def.js';
import type { MatMulOpType } from './index.js';
import { BatchMatMulV2, matMul } from './matmul.js';

/** Gradients of MatMul and BatchMatMulV2 (a batched operand broadcast over batch dims sums back to its shape). */
export const MATMUL_GRADS: GradTable<MatMulOpType> = {
  MatMul: (op, [g]) => {
    if (!g) return [null, null];
    const [a, b] = op.inputs;
    const ta = op.attrs.transpose_a === true;
    const tb = op.attrs.transpose_b === true;
    const mm = (x: Tensor, y: Tensor, transposeA: boolean, transposeB: boolean) => matMul(x, y, { transposeA, transposeB });
    if (!ta && !tb) return [mm(g, b, false, true), mm(a, g, true, false)];
    if (!ta && tb) return [mm(g, b, false, false), mm(g, a, true, false)];
    if (ta && !tb) return [mm(b, g, false, true), mm(a, g, false, false)];
    return [mm(b, g, true, true), mm(g, a, true, true)];
  },
  BatchMatMulV2: (op, [g]) => {
    if (!g) return [null, null];
    const [a, b] = op.inputs;
    const ta = op.attrs.adj_x === true;
    const tb = op.attrs.adj_y === true;
    const mm = (x: Tensor, y: Tensor, adjX: boolean, adjY: boolean) => makeOp(BatchMatMulV2, [x, y], { adj_x: adjX, adj_y: adjY }).outputs[0];
    let ga: Tensor;
    let gb: Tensor;
    if (!ta && !tb) [ga, gb] = [mm(g, b, false, true), mm(a, g, true, false)];
    else if (!ta && tb) [ga, gb] = [mm(g, b, false, false), mm(g, a, true, false)];
    else if (ta && !tb) [ga, gb] = [mm(b, g, false, true), mm(a, g, false, false)];
    else [ga, gb] = [mm(b, g, true, true), mm(g, a, true, true)];
    return [sumToShapeOf(ga, a), sumToShapeOf(gb, b)];
  },
};
