import {
  broadcastShapes,
  formatShape,
  InvalidArgumentError,
  PartialShape,
  Tensor,
} from '../../graph/ir/index.js';
import { dtypeHint, graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType, NUMERIC } from '../dtype_sets.js';
import { defineOp, InputSpec } from '../op_def.js';

export type MatMulAttrs = { transpose_a: boolean; transpose_b: boolean };
export type BatchMatMulAttrs = { adj_x: boolean; adj_y: boolean };

function innerDims(a: PartialShape, b: PartialShape, ta: boolean, tb: boolean): [number | null, number | null] {
  const ra = a!.length;
  const rb = b!.length;
  const m = ta ? a![ra - 1] : a![ra - 2];
  const ka = ta ? a![ra - 2] : a![ra - 1];
  const kb = tb ? b![rb - 1] : b![rb - 2];
  const n = tb ? b![rb - 2] : b![rb - 1];
  if (ka !== null && kb !== null && ka !== kb) {
    throw new InvalidArgumentError(`Dimensions must be equal, but are ${ka} and ${kb}`);
  }
  return [m, n];
}

function inferMatMul(inputs: readonly InputSpec[], ta: boolean, tb: boolean, batched: boolean, opType: string) {
  const [a, b] = inputs;
  const dt = checkSameDType(['a', 'b'], [a.dtype, b.dtype], opType);
  checkDType('a', dt, NUMERIC);
  if (a.shape === null || b.shape === null) return [{ dtype: dt, shape: null }];
  if (!batched) {
    if (a.shape.length !== 2) throw new InvalidArgumentError(`Shape must be rank 2 but is rank ${a.shape.length}`);
    if (b.shape.length !== 2) throw new InvalidArgumentError(`Shape must be rank 2 but is rank ${b.shape.length}`);
  } else if (a.shape.length < 2 || b.shape.length < 2) {
    throw new InvalidArgumentError(`BatchMatMul needs inputs of rank >= 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const [m, n] = innerDims(a.shape, b.shape, ta, tb);
  const batch = batched ? broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), opType) : [];
  return [{ dtype: dt, shape: batch === null ? null : [...batch, m, n] }];
}

export const MatMul = defineOp<MatMulAttrs>()({
  type: 'MatMul',
  attrDefaults: { transpose_a: false, transpose_b: false },
  infer: (inputs, attrs, ctx) => inferMatMul(inputs, attrs.transpose_a, attrs.transpose_b, false, ctx.opType),
  lowering: { kind: 'routine', routine: 'MatMul' },
});

export const BatchMatMulV2 = defineOp<BatchMatMulAttrs>()({
  type: 'BatchMatMulV2',
  attrDefaults: { adj_x: false, adj_y: false },
  infer: (inputs, attrs, ctx) => inferMatMul(inputs, attrs.adj_x, attrs.adj_y, true, ctx.opType),
  lowering: { kind: 'routine', routine: 'BatchMatMulV2' },
});

export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** Matrix product; rank > 2 operands use BatchMatMulV2 with broadcasting batch dims. */
export function matMul(a: TensorLike, b: TensorLike, options: MatMulOptions = {}, name?: string): Tensor {
  const g = graphOf([a, b]);
  const hint = dtypeHint([a, b]);
  const ta = toTensor(a, hint, g);
  const tb = toTensor(b, hint, g);
  const batched = (ta.rank !== null && ta.rank > 2) || (tb.rank !== null && tb.rank > 2);
  if (batched) {
    return makeOp(BatchMatMulV2, [ta, tb], { adj_x: options.transposeA ?? false, adj_y: options.transposeB ?? false }, { name, graph: g }).outputs[0];
  }
  return makeOp(MatMul, [ta, tb], { transpose_a: options.transposeA ?? false, transpose_b: options.transposeB ?? false }, { name, graph: g }).outputs[0];
}
