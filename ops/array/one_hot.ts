import { DType, formatShape, InvalidArgumentError, NDArray, Tensor } from '../../graph/ir/index.js';
import { dtypeHint, graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType, INTEGERS } from '../dtype_sets.js';
import { scalarOf } from '../kernel_util.js';
import { defineOp, InputSpec } from '../op_def.js';
import { intOperand, IntOperand } from './operands.js';

export type OneHotAttrs = { axis: number; T?: DType; TI?: DType };

function checkScalar(spec: InputSpec, what: string): void {
  if (spec.shape !== null && spec.shape.length !== 0) throw new InvalidArgumentError(`${what} must be a scalar, but got: ${formatShape(spec.shape)}`);
}

/** Where the depth axis goes in the output (axis -1 appends it), with TF's error. */
export function depthAxis(axis: number, indicesRank: number): number {
  const outRank = indicesRank + 1;
  if (axis !== -1 && (axis < 0 || axis >= outRank)) {
    throw new InvalidArgumentError(`Expected axis to be -1 or between [0, ${outRank}).  But received: ${axis}`);
  }
  return axis === -1 ? indicesRank : axis;
}

/** out[..., i, ...] = onValue where indices[...] == i, offValue elsewhere (indices outside [0, depth) give all off). */
export const OneHot = defineOp<OneHotAttrs>()({
  type: 'OneHot',
  hostInputs: [1],
  attrDefaults: { axis: -1 },
  infer(inputs, attrs, ctx) {
    const [indices, depth, on, off] = inputs;
    checkDType('indices', indices.dtype, INTEGERS);
    checkDType('depth', depth.dtype, INTEGERS);
    const dt = checkSameDType(['on_value', 'off_value'], [on.dtype, off.dtype], ctx.opType);
    checkScalar(depth, 'depth');
    checkScalar(on, 'on_value');
    checkScalar(off, 'off_value');
    const d = depth.value ? scalarOf(depth.value, 'depth') : null;
    if (d !== null && d < 0) throw new InvalidArgumentError(`depth must be non-negative, got: ${d}`);
    if (indices.shape === null) return [{ dtype: dt, shape: null }];
    const out: (number | null)[] = [...indices.shape];
    out.splice(depthAxis(attrs.axis, indices.shape.length), 0, d);
    return [{ dtype: dt, shape: out }];
  },
  lowering: { kind: 'routine', routine: 'OneHot' },
  grad: 'none',
});

export interface OneHotOptions {
  onValue?: TensorLike;
  offValue?: TensorLike;
  axis?: number;
  dtype?: DType;
}

/**
 * tf.one_hot: a one-hot encoding of integer `indices` with `depth` classes. The dtype is `dtype`,
 * else that of a tensor on/off value, else bool for boolean literals, else float32.
 */
export function oneHot(indices: IntOperand, depth: IntOperand, options: OneHotOptions = {}, name = 'one_hot'): Tensor {
  const { onValue = 1, offValue = 0, axis = -1 } = options;
  const g = graphOf([indices, depth, onValue, offValue]);
  // JS numbers cannot say int from float: they give float32 unless dtype says otherwise
  const literalBool = typeof onValue === 'boolean' || typeof offValue === 'boolean';
  const dt = options.dtype ?? dtypeHint([onValue, offValue]) ?? (literalBool ? 'bool' : 'float32');
  const literal = (v: TensorLike, n: string): Tensor =>
    toTensor(typeof v === 'number' || typeof v === 'boolean' ? NDArray.scalar(v, dt) : v, dt, g, n);
  const idx = intOperand(indices, g, 'indices');
  const d = intOperand(depth, g, 'depth');
  const on = literal(onValue, 'on_value');
  const off = literal(offValue, 'off_value');
  return makeOp(OneHot, [idx, d, on, off], { axis, T: dt, TI: idx.dtype }, { name, graph: g }).outputs[0];
}
