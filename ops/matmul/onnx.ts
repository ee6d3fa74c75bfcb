import type { OnnxExportContext, OnnxTable, TypesOf } from '../op_def.js';
import { int, onnx, rankOf, transpose } from '../onnx_mapping.js';
import type { MATMUL_OPS } from './index.js';

/** Swaps the last two axes of a rank-`rank` value. */
function swapLast(ctx: OnnxExportContext, x: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return transpose(ctx, x, perm);
}

export const MATMUL_ONNX: OnnxTable<TypesOf<typeof MATMUL_OPS>> = {
  // floats: one Gemm with the transpose flags; integers: Transpose + MatMul
  MatMul: onnx((ctx, op) => {
    const [a, b] = op.inputs.map((v) => v.name);
    const ta = op.attrs.transpose_a === true;
    const tb = op.attrs.transpose_b === true;
    const out = [op.outputs[0].name];
    if (op.inputs[0].dtype === 'float32') ctx.node('Gemm', [a, b], { transA: int(ta ? 1 : 0), transB: int(tb ? 1 : 0) }, out);
    else ctx.node('MatMul', [ta ? transpose(ctx, a, [1, 0]) : a, tb ? transpose(ctx, b, [1, 0]) : b], {}, out);
  }),
  BatchMatMulV2: onnx((ctx, op) => {
    let [a, b] = op.inputs.map((v) => v.name);
    if (op.attrs.adj_x === true) a = swapLast(ctx, a, rankOf(ctx, op, 0));
    if (op.attrs.adj_y === true) b = swapLast(ctx, b, rankOf(ctx, op, 1));
    ctx.node('MatMul', [a, b], {}, [op.outputs[0].name]);
  }),
};
