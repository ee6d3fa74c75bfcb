import { DType, InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { dtypeHint, graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType, NUMERIC } from '../dtype_sets.js';
import { scalarOf } from '../kernel_util.js';
import { defineOp } from '../op_def.js';

export function rangeSize(start: number, limit: number, delta: number, isInt: boolean): number {
  if (delta === 0) throw new InvalidArgumentError('Requires delta != 0: 0');
  if (delta > 0 && start > limit) throw new InvalidArgumentError(`Requires start <= limit when delta > 0: ${start}/${limit}`);
  if (delta < 0 && start < limit) throw new InvalidArgumentError(`Requires start >= limit when delta < 0: ${start}/${limit}`);
  return isInt ? Math.ceil(Math.abs(limit - start) / Math.abs(delta)) : Math.ceil(Math.abs((limit - start) / delta));
}

export const Range = defineOp({
  type: 'Range',
  hostInputs: [0, 1, 2],
  infer(inputs, _a, ctx) {
    const dt = checkSameDType(['start', 'limit', 'delta'], inputs.map((i) => i.dtype), ctx.opType);
    checkDType('start', dt, NUMERIC);
    const [s, l, d] = inputs.map((i) => i.value);
    if (s && l && d) {
      const n = rangeSize(scalarOf(s, 'start'), scalarOf(l, 'limit'), scalarOf(d, 'delta'), dt !== 'float32');
      return [{ dtype: dt, shape: [n] }];
    }
    return [{ dtype: dt, shape: [null] }];
  },
  lowering: { kind: 'routine', routine: 'Range' },
  grad: () => [null, null, null],
});

/** range(limit) or range(start, limit, delta?); int32 unless any operand is a float. */
export function range(start: TensorLike, limit?: TensorLike, delta: TensorLike = 1, options: { dtype?: DType; name?: string } = {}): Tensor {
  if (limit === undefined) {
    limit = start;
    start = 0;
  }
  const operands = [start, limit, delta];
  const g = graphOf(operands);
  const anyFloat = operands.some((o) => typeof o === 'number' && !Number.isInteger(o));
  const dt = options.dtype ?? dtypeHint(operands) ?? (anyFloat ? 'float32' : 'int32');
  const ts = operands.map((o) => toTensor(o, dt, g));
  return makeOp(Range, ts, { Tidx: dt }, { name: options.name ?? 'range', graph: g }).outputs[0];
}
