import { isFullyDefined, NDArray, Tensor } from '../../graph/ir/index.js';
import { makeOp, staticValue, toTensor } from '../builder.js';
import type { GradFn } from '../op_def.js';
import { broadcastTo } from '../array/broadcast.js';
import { cast } from '../array/cast.js';
import { range } from '../array/range.js';
import { expandDims, rank, reshape, shape as shapeOf } from '../array/reshape.js';
import { invertPerm, InvertPermutation, transpose } from '../array/transpose.js';
import { add, floorMod, minimum, mul, sub } from '../elementwise/math_binary.js';
import { equal, where } from '../elementwise/compare.js';
import { cumprod, cumsum } from './cumulative.js';
import { reductionAxes } from './reduce_ops.js';
import { reduceProd, reduceSum } from './reductions.js';
import { keepDimsShape } from './keep_dims_shape.js';

/**
 * Where the reduced axes go: `perm` moves them to the front, `inverse` undoes it, `reduced` marks
 * them. Constants when the rank and the axes are known at build time, else computed in the graph.
 */
interface Layout {
  perm: Tensor | number[];
  inverse: Tensor | number[];
  reduced: Tensor | boolean[];
}

function staticLayout(x: Tensor, axes: Tensor): Layout | null {
  const r = x.rank;
  const av = staticValue(axes);
  if (r === null || av === null) return null;
  const red = reductionAxes(av, r);
  const perm = [...red, ...Array.from({ length: r }, (_v, i) => i).filter((i) => !red.includes(i))];
  return { perm, inverse: invertPerm(perm), reduced: Array.from({ length: r }, (_v, i) => red.includes(i)) };
}

/**
 * The same layout worked out at run time: axis i is reduced when some (axis mod rank) equals i; a
 * reduced axis goes to slot (reduced axes before it), a kept one to (all reduced + kept before it).
 */
function dynamicLayout(x: Tensor, axes: Tensor): Layout {
  const r = rank(x);
  const ax = floorMod(reshape(cast(axes, 'int32'), [-1]), r);
  const positions = range(0, r, 1);
  const hits = cast(equal(expandDims(positions, 1), expandDims(ax, 0)), 'int32');
  const isReduced = minimum(reduceSum(hits, 1), 1);
  const reduced = cast(isReduced, 'bool');
  const before = cumsum(isReduced, 0, { exclusive: true });
  const inverse = where(reduced, before, add(reduceSum(isReduced), sub(positions, before)));
  const perm = makeOp(InvertPermutation, [inverse], {}).outputs[0];
  return { perm, inverse, reduced };
}

/** [product of the reduced dims, product of the kept dims], the 2-D shape the cumprods run over. */
function flatShape(x: Tensor, reduced: Tensor | boolean[]): Tensor {
  const xs = x.shape;
  if (Array.isArray(reduced) && isFullyDefined(xs)) {
    const num = (want: boolean) => xs.reduce((acc, d, i) => (reduced[i] === want ? acc * d : acc), 1);
    return toTensor(NDArray.from(Int32Array.from([num(true), num(false)]), [2], 'int32'), 'int32', x.graph);
  }
  const s = shapeOf(x);
  const mask = Array.isArray(reduced) ? NDArray.from(reduced, [reduced.length], 'bool') : reduced;
  const reducedNum = reduceProd(where(mask, s, 1));
  const otherNum = reduceProd(where(mask, 1, s));
  return where(NDArray.from([true, false]), reducedNum, otherNum);
}

/**
 * TF's _ProdGrad, which stays finite and exact when x holds zeros: the reduced axes are moved to
 * the front and flattened to [reduced, other]; the product of all other elements of each slice is
 * (exclusive cumprod from the left) · (exclusive cumprod from the right), then the layout is undone.
 */
export const prodGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null];
  const [x, axes] = op.inputs;
  const kept = op.attrs.keep_dims ? g : reshape(g, keepDimsShape(x, axes));
  const grad = broadcastTo(kept, shapeOf(x));
  const { perm, inverse, reduced } = staticLayout(x, axes) ?? dynamicLayout(x, axes);
  const permuted = transpose(x, perm);
  const flat = reshape(permuted, flatShape(x, reduced));
  const left = cumprod(flat, 0, { exclusive: true });
  const right = cumprod(flat, 0, { exclusive: true, reverse: true });
  const others = reshape(mul(left, right), isFullyDefined(permuted.shape) ? permuted.shape : shapeOf(permuted));
  return [mul(grad, transpose(others, inverse)), null];
};
