import { InvalidArgumentError, PartialShape } from '../../graph/ir/index.js';
import { checkDType, INTEGERS } from '../dtype_sets.js';
import { intVector } from '../kernel_util.js';
import type { InputSpec } from '../op_def.js';
import { dimIndex, windowedOutputSize, WindowParams } from './conv_params.js';

/**
 * The shape checks TF's ConvBackpropComputeDimensionsV2 makes for the backprop ops: the input,
 * filter and out_backprop must be the operands and result of one forward convolution.
 * `depthwise`: the filter is [kh, kw, in, multiplier] rather than [kh, kw, in/groups, out].
 */
export function checkBackpropShapes(
  label: string, input: PartialShape, filter: PartialShape, dy: PartialShape, p: WindowParams, depthwise: boolean,
): void {
  if (input === null || filter === null || dy === null) return;
  const at = (s: (number | null)[], d: 'N' | 'H' | 'W' | 'C') => s[dimIndex(p.format, d)];
  const [kh, kw, fi, fo] = filter;
  const inN = at(input, 'N');
  const dyN = at(dy, 'N');
  if (inN !== null && dyN !== null && inN !== dyN) {
    throw new InvalidArgumentError(`${label}: input and out_backprop must have the same batch size. Input batch: ${inN}, outbackprop batch: ${dyN}`);
  }
  const inC = at(input, 'C');
  const dyC = at(dy, 'C');
  if (depthwise) {
    if (inC !== null && fi !== null && inC !== fi) {
      throw new InvalidArgumentError(`${label}: input and filter must have the same depth: ${inC} vs ${fi}`);
    }
    if (dyC !== null && fi !== null && fo !== null && dyC !== fi * fo) {
      throw new InvalidArgumentError(`${label}: depth_multiplier * in_depth not equal to out_depth: ${fi * fo} vs ${dyC}`);
    }
  } else {
    if (inC !== null && fi !== null && (fi === 0 || inC % fi !== 0)) {
      throw new InvalidArgumentError(`${label}: input depth must be evenly divisible by filter depth: ${inC} vs ${fi}`);
    }
    if (dyC !== null && fo !== null && dyC !== fo) {
      throw new InvalidArgumentError(`${label}: filter and out_backprop must have the same out_depth: ${fo} vs ${dyC}`);
    }
  }
  const dims = [
    ['H', kh, p.dilationH, p.strideH, p.explicit[0], p.explicit[1]],
    ['W', kw, p.dilationW, p.strideW, p.explicit[2], p.explicit[3]],
  ] as const;
  dims.forEach(([d, k, dil, s, before, after], i) => {
    const computed = windowedOutputSize(at(input, d), k, dil, s, p.padding, before, after);
    const actual = at(dy, d);
    if (computed !== null && actual !== null && computed !== actual) {
      throw new InvalidArgumentError(
        `${label}: Size of out_backprop doesn't match computed: actual = ${actual}, computed = ${computed} ` +
          `spatial_dim: ${i + 1} input: ${at(input, d)} filter: ${k} output: ${actual} stride: ${s} dilation: ${dil}`,
      );
    }
  });
}

/**
 * A shape operand (input_sizes, filter_sizes) read as a rank-4 partial shape. `twoOk`: TF lets
 * Conv2DBackpropInput take only the spatial sizes, completing N from out_backprop and C from the filter.
 */
export function sizesOperand(
  spec: InputSpec, what: string, p: WindowParams, twoOk: { dy: PartialShape; filterDepth: number | null } | null,
): PartialShape {
  checkDType(what, spec.dtype, INTEGERS);
  if (spec.shape !== null && spec.shape.length !== 1) throw new InvalidArgumentError(`Shape must be rank 1 but is rank ${spec.shape.length}`);
  const allowed = twoOk ? '4 values or 2 values' : '4 values';
  const count = spec.value === null ? spec.shape?.[0] ?? null : spec.value.size;
  if (count !== null && count !== 4 && !(count === 2 && twoOk)) throw new InvalidArgumentError(`${what} must contain ${allowed}, but got: ${count}`);
  if (spec.value === null) {
    // a stacked [batch, h, w, c] with the batch known only at run time still fixes h, w and c
    const partial = spec.partialShape;
    return partial && partial.length === 4 ? [...partial] : [null, null, null, null];
  }
  const v = intVector(spec.value, what);
  for (const d of v) if (d < 0) throw new InvalidArgumentError(`${what}: dimension ${d} must be >= 0`);
  if (v.length === 4) return v;
  if (twoOk) {
    const n = twoOk.dy === null ? null : twoOk.dy[dimIndex(p.format, 'N')];
    const out: (number | null)[] = [null, null, null, null];
    out[dimIndex(p.format, 'N')] = n;
    out[dimIndex(p.format, 'H')] = v[0];
    out[dimIndex(p.format, 'W')] = v[1];
    out[dimIndex(p.format, 'C')] = twoOk.filterDepth;
    return out;
  }
  return v;
}
