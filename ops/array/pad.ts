import { formatShape, InvalidArgumentError, NDArray, PartialShape, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType, INTEGERS } from '../dtype_sets.js';
import { defineOp, InputSpec } from '../op_def.js';
import { intOperand, IntOperand } from './operands.js';

/** Pad's output shape: each dim grows by its before and after padding. */
function padShape(x: InputSpec, paddings: InputSpec): PartialShape {
  checkDType('paddings', paddings.dtype, INTEGERS);
  const ps = paddings.shape;
  if (ps !== null && (ps.length !== 2 || (ps[1] !== null && ps[1] !== 2))) {
    throw new InvalidArgumentError(`paddings must be a matrix with 2 columns: ${formatShape(ps)}`);
  }
  const xs = x.shape;
  if (xs !== null && ps !== null && ps[0] !== null && ps[0] !== xs.length) {
    throw new InvalidArgumentError(`The first dimension of paddings must be the rank of inputs${formatShape(ps)}, ${formatShape(xs)}`);
  }
  const r = xs?.length ?? ps?.[0] ?? null;
  if (r === null) return null;
  const pv = paddings.value ? Array.from(paddings.value.data) : null;
  const out: (number | null)[] = [];
  for (let i = 0; i < r; i++) {
    const d = xs?.[i] ?? null;
    if (pv === null) {
      out.push(null);
      continue;
    }
    const [before, after] = [pv[2 * i], pv[2 * i + 1]];
    if (before < 0 || after < 0) throw new InvalidArgumentError(`Paddings must be non-negative: ${before} ${after}`);
    out.push(d === null ? null : d + before + after);
  }
  return out;
}

export const Pad = defineOp({
  type: 'Pad',
  hostInputs: [1],
  infer: ([x, paddings]) => [{ dtype: x.dtype, shape: padShape(x, paddings) }],
  lowering: { kind: 'routine', routine: 'Pad' },
});

export const PadV2 = defineOp({
  type: 'PadV2',
  hostInputs: [1],
  infer([x, paddings, value], _a, ctx) {
    checkSameDType(['input', 'constant_values'], [x.dtype, value.dtype], ctx.opType);
    if (value.shape !== null && value.shape.length !== 0) {
      throw new InvalidArgumentError(`constant_values must be a scalar. Shape of constant_values: ${formatShape(value.shape)}`);
    }
    return [{ dtype: x.dtype, shape: padShape(x, paddings) }];
  },
  lowering: { kind: 'routine', routine: 'PadV2' },
});

/** Pad over tensors (for gradient code). */
export function padTensors(x: Tensor, paddings: Tensor, name?: string): Tensor {
  return makeOp(Pad, [x, paddings], { Tpaddings: paddings.dtype }, { name }).outputs[0];
}

/**
 * tf.pad (CONSTANT mode): `paddings[i] = [before, after]` elements of `constantValue` around axis i.
 * A literal 0 gives TF's Pad op, anything else PadV2.
 */
export function pad(x: TensorLike, paddings: IntOperand, constantValue: TensorLike = 0, name?: string): Tensor {
  const g = graphOf([x, paddings, constantValue]);
  const t = toTensor(x, undefined, g);
  const p = Array.isArray(paddings) && paddings.length === 0
    ? toTensor(NDArray.zeros('int32', [0, 2]), 'int32', g, 'paddings')
    : intOperand(paddings, g, 'paddings');
  if (constantValue === 0) return makeOp(Pad, [t, p], { Tpaddings: p.dtype }, { name: name ?? 'Pad', graph: g }).outputs[0];
  const v = toTensor(typeof constantValue === 'number' || typeof constantValue === 'boolean' ? NDArray.scalar(constantValue, t.dtype) : constantValue, t.dtype, g, 'constant_values');
  return makeOp(PadV2, [t, p, v], { Tpaddings: p.dtype }, { name: name ?? 'PadV2', graph: g }).outputs[0];
}
