import {
  DType,
  formatShape,
  InvalidArgumentError,
  PartialShape,
  Tensor,
} from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { checkDType, checkSameDType, INTEGERS } from '../dtype_sets.js';
import { scalarOf } from '../kernel_util.js';
import { defineOp } from '../op_def.js';
import { checkedAxis, unknownDims } from './operands.js';

export type ConcatAttrs = { N: number; Tidx: DType };

export const axisRangeError = (axis: number, rank: number): string =>
  `ConcatOp : Expected concatenating dimensions in the range [${-rank}, ${rank}), but got ${axis}`;

/** TF's ConcatV2 shape rule: dims off the axis must agree, the axis dims add up. */
export function concatShape(shapes: readonly PartialShape[], axis: number | null): PartialShape {
  const ref = shapes.findIndex((s) => s !== null);
  if (ref < 0) return null;
  const r = shapes[ref]!.length;
  const rankError = (i: number): string =>
    `ConcatOp : Ranks of all input tensors should match: shape[${ref}] = ${formatShape(shapes[ref])} vs. shape[${i}] = ${formatShape(shapes[i])}`;
  for (let i = 0; i < shapes.length; i++) if (shapes[i] !== null && shapes[i]!.length !== r) throw new InvalidArgumentError(rankError(i));
  if (axis === null) return unknownDims(r);
  const a = checkedAxis(axis, r, axisRangeError(axis, r));
  const out: (number | null)[] = [...shapes[ref]!];
  out[a] = 0;
  for (let i = 0; i < shapes.length; i++) {
    const s = shapes[i];
    if (s === null) {
      out[a] = null;
      continue;
    }
    for (let j = 0; j < r; j++) {
      if (j === a) continue;
      if (out[j] === null) out[j] = s[j];
      else if (s[j] !== null && s[j] !== out[j]) {
        throw new InvalidArgumentError(
          `ConcatOp : Dimension ${j} in both shapes must be equal: shape[${ref}] = ${formatShape(shapes[ref])} vs. shape[${i}] = ${formatShape(s)}`,
        );
      }
    }
    const cur: number | null = out[a];
    out[a] = cur === null || s[a] === null ? null : cur + s[a]!;
  }
  return out;
}

export const ConcatV2 = defineOp<ConcatAttrs>()({
  type: 'ConcatV2',
  hostInputs: [-1],
  attrDefaults: { Tidx: 'int32' },
  infer(inputs, attrs, ctx) {
    const values = inputs.slice(0, -1);
    const axis = inputs[inputs.length - 1];
    if (values.length === 0) throw new InvalidArgumentError('ConcatV2 needs at least one value and an axis');
    if (attrs.N !== undefined && attrs.N !== values.length) {
      throw new InvalidArgumentError(`ConcatV2: attr N = ${attrs.N}, but ${values.length} values were given`);
    }
    const dt = checkSameDType(values.map((_v, i) => `values[${i}]`), values.map((v) => v.dtype), ctx.opType);
    checkDType('Tidx', axis.dtype, INTEGERS);
    if (axis.shape !== null && axis.shape.length !== 0) {
      throw new InvalidArgumentError(`Concat dim tensor should be a scalar integer, but got shape ${formatShape(axis.shape)}`);
    }
    const av = axis.value ? scalarOf(axis.value, 'concat axis') : null;
    return [{ dtype: dt, shape: concatShape(values.map((v) => v.shape), av) }];
  },
  lowering: { kind: 'routine', routine: 'ConcatV2' },
});

/** ConcatV2 over tensors with an axis tensor (for gradient code). */
export function concatTensors(values: readonly Tensor[], axis: Tensor, name?: string): Tensor {
  return makeOp(ConcatV2, [...values, axis], { N: values.length, Tidx: axis.dtype }, { name }).outputs[0];
}
