import { formatShape, InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { dtypeHint, graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { identity } from '../control/control.js';
import { ConcatV2 } from './concat.js';
import { intOperand, IntOperand } from './operands.js';

/* The tf.concat builder, apart from ConcatV2's definition because one value becomes an Identity (control family). */

/** tf.concat: joins `values` along `axis` (negative counts from the end). One value is returned as an identity. */
export function concat(values: readonly TensorLike[], axis: IntOperand, name = 'concat'): Tensor {
  if (values.length === 0) throw new InvalidArgumentError('concat needs at least one value');
  const g = graphOf([...values, axis]);
  const hint = dtypeHint(values);
  const ts = values.map((v) => toTensor(v, hint, g));
  const a = intOperand(axis, g, 'axis');
  if (a.rank !== null && a.rank !== 0) throw new InvalidArgumentError(`concat: axis must be a scalar, got shape ${formatShape(a.shape)}`);
  if (ts.length === 1) return identity(ts[0], name);
  return makeOp(ConcatV2, [...ts, a], { N: ts.length, Tidx: a.dtype }, { name, graph: g }).outputs[0];
}
