import { formatShape, InvalidArgumentError, PartialShape, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, staticValue, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS } from '../dtype_sets.js';
import { intVector } from '../kernel_util.js';
import { defineOp, GradFn, InputSpec } from '../op_def.js';
import { reduceSum } from '../reduce/reductions.js';
import { asInt32, intOperand, IntOperand, knownInts, staticShape } from './operands.js';
import { stack } from './pack.js';
import { range } from './range.js';
import { reshape, shape as shapeOp, size } from './reshape.js';
import { transpose } from './transpose.js';

function tileShape(x: InputSpec, multiples: InputSpec): PartialShape {
  checkDType('multiples', multiples.dtype, INTEGERS);
  const xs = x.shape;
  const ms = multiples.shape;
  if (ms !== null && (ms.length !== 1 || (xs !== null && ms[0] !== null && ms[0] !== xs.length))) {
    throw new InvalidArgumentError(`Expected multiples argument to be a vector of length ${xs?.length ?? '?'} but got ${ms.length === 1 ? `length ${ms[0]}` : `shape ${formatShape(ms)}`}`);
  }
  const r = xs?.length ?? ms?.[0] ?? null;
  if (r === null) return null;
  const mv = knownInts(multiples, 'multiples');
  mv?.forEach((m, i) => {
    if (m < 0) throw new InvalidArgumentError(`Expected multiples[${i}] >= 0, but got ${m}`);
  });
  return Array.from({ length: r }, (_v, i) => {
    const d = xs?.[i] ?? null;
    const m = mv ? mv[i] : null;
    if (d === 0 || m === 0) return 0;
    return d === null || m === null ? null : d * m;
  });
}

/** d tile: view the gradient as [m0, d0, m1, d1, ...] and sum over the multiple axes. */
const tileGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null];
  const [x, multiples] = op.inputs;
  const xs = staticShape(x);
  const mv = staticValue(multiples);
  if (xs && mv) {
    if (xs.length === 0) return [g, null];
    const m = intVector(mv, 'multiples');
    const interleaved = xs.flatMap((d, i) => [m[i], d]);
    return [reduceSum(reshape(g, interleaved), xs.map((_d, i) => 2 * i)), null];
  }
  const splitShape = reshape(transpose(stack([asInt32(multiples), shapeOp(x)]), [1, 0]), [-1]);
  const summed = reduceSum(reshape(g, splitShape), range(0, size(splitShape), 2));
  // the static shape is known even though the reduction axes are not
  summed.setShape(x.shape);
  return [summed, null];
};

export const Tile = defineOp({
  type: 'Tile',
  hostInputs: [1],
  infer: ([x, multiples]) => [{ dtype: x.dtype, shape: tileShape(x, multiples) }],
  lowering: { kind: 'routine', routine: 'Tile' },
  grad: tileGrad,
});

/** tf.tile: `x` repeated `multiples[i]` times along axis i. */
export function tile(x: TensorLike, multiples: IntOperand, name = 'Tile'): Tensor {
  const g = graphOf([x, multiples]);
  const m = intOperand(multiples, g, 'multiples');
  return makeOp(Tile, [toTensor(x, undefined, g), m], { Tmultiples: m.dtype }, { name, graph: g }).outputs[0];
}
