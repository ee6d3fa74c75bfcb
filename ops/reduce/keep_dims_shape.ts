import { NDArray, Tensor } from '../../graph/ir/index.js';
import { staticValue, toTensor } from '../builder.js';
import { expandDims, reshape, shape as shapeOf, size } from '../array/reshape.js';
import { cast } from '../array/cast.js';
import { range } from '../array/range.js';
import { floorMod } from '../elementwise/math_binary.js';
import { equal, where } from '../elementwise/compare.js';
import { reductionAxes } from './reduce_ops.js';
import { reduceSum } from './reductions.js';

/**
 * The shape of x with the reduced axes set to 1 (TF's reduced_shape), as a tensor: a constant when
 * everything is static, else built from Shape(x) at run time.
 */
export function keepDimsShape(x: Tensor, axes: Tensor): Tensor {
  const xs = x.shape;
  const av = staticValue(axes);
  if (xs !== null && av !== null) {
    const ax = reductionAxes(av, xs.length);
    if (xs.every((d) => d !== null)) return toTensor(NDArray.from(Int32Array.from(xs.map((d, i) => (ax.includes(i) ? 1 : (d as number)))), [xs.length], 'int32'), 'int32', x.graph);
    const mask = NDArray.from(xs.map((_d, i) => ax.includes(i)), [xs.length], 'bool');
    return where(mask, 1, shapeOf(x));
  }
  // fully dynamic: mask[i] = any(axes mod rank == i); a sum, not a max, so no axes gives all false
  const rankT = size(shapeOf(x));
  const positions = expandDims(range(0, rankT, 1), 1);
  const hits = cast(equal(positions, reshape(floorMod(axes, rankT), [1, -1])), 'int32');
  const mask = cast(reduceSum(hits, 1), 'bool');
  return where(mask, 1, shapeOf(x));
}

