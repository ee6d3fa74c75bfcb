import { formatShape, InvalidArgumentError, PartialShape, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS } from '../dtype_sets.js';
import { defineOp, InputSpec } from '../op_def.js';
import { intOperand, IntOperand, knownInts } from './operands.js';

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


export const Tile = defineOp({
  type: 'Tile',
  hostInputs: [1],
  infer: ([x, multiples]) => [{ dtype: x.dtype, shape: tileShape(x, multiples) }],
  lowering: { kind: 'routine', routine: 'Tile' },
});

/** tf.tile: `x` repeated `multiples[i]` times along axis i. */
export function tile(x: TensorLike, multiples: IntOperand, name = 'Tile'): Tensor {
  const g = graphOf([x, multiples]);
  const m = intOperand(multiples, g, 'multiples');
  return makeOp(Tile, [toTensor(x, undefined, g), m], { Tmultiples: m.dtype }, { name, graph: g }).outputs[0];
}
