import type { Tensor } from '../../../../graph/ir/index.js';
import type { NodeContext, OpTable } from '../context.js';
import { add, always, mul, rankOf, scalar } from './util.js';

/** MatMul with numpy's rules (1-D operands, broadcast batch dims) and Gemm. */

function matMul(ctx: NodeContext, a: Tensor, b: Tensor): Tensor {
  const ra = rankOf(ctx, a, 'first input');
  const rb = rankOf(ctx, b, 'second input');
  const expand = (t: Tensor, axis: number) => ctx.op('ExpandDims', [t, ctx.constant([axis], 'int32', [])])[0];
  const a2 = ra === 1 ? expand(a, 0) : a;
  const b2 = rb === 1 ? expand(b, 1) : b;
  let y = ra <= 2 && rb <= 2 ? ctx.op('MatMul', [a2, b2])[0] : ctx.op('BatchMatMulV2', [a2, b2])[0];
  const squeeze: number[] = [];
  if (ra === 1) squeeze.push(-2);
  if (rb === 1) squeeze.push(-1);
  if (squeeze.length > 0) y = ctx.op('Squeeze', [y], { squeeze_dims: squeeze })[0];
  return y;
}

function gemm(ctx: NodeContext): Tensor[] {
  const a = ctx.input(0);
  const b = ctx.input(1);
  if (rankOf(ctx, a) !== 2 || rankOf(ctx, b) !== 2) ctx.invalid('A and B must be matrices');
  const alpha = ctx.attrs.float('alpha', 1);
  const beta = ctx.attrs.float('beta', 1);
  let y = ctx.op('MatMul', [a, b], { transpose_a: ctx.attrs.int('transA', 0) !== 0, transpose_b: ctx.attrs.int('transB', 0) !== 0 })[0];
  if (alpha !== 1) y = mul(ctx, y, scalar(ctx, alpha, y.dtype));
  if (ctx.has(2) && beta !== 0) {
    let c = ctx.input(2);
    if (beta !== 1) c = mul(ctx, c, scalar(ctx, beta, c.dtype));
    y = add(ctx, y, c);
  }
  return [y];
}

export const MATMUL_IMPORTS: OpTable = {
  MatMul: always((ctx) => [matMul(ctx, ctx.input(0), ctx.input(1))]),
  Gemm: always(gemm),
};
