import { formatShape, InvalidArgumentError, Operation, PartialShape, UnimplementedError } from '../../graph/ir/index.js';
import { checkDType, FLOATS } from '../dtype_sets.js';
import type { InputSpec } from '../op_def.js';
import {
  checkRank4, dataFormatOf, dimIndex, explicitPaddingOf, geometry, Geometry, nhwcShape, paddingOf, shapeIn, spatialOutput, WindowParams,
} from './conv_params.js';

/** Attrs of AvgPool and AvgPoolGrad (TF's names). */
export type AvgPoolAttrs = {
  ksize: readonly number[];
  strides: readonly number[];
  padding: string;
  data_format: string;
};

/** MaxPool and its gradients also take EXPLICIT padding. */
export type PoolAttrs = AvgPoolAttrs & { explicit_paddings: readonly number[] };

export const AVG_POOL_DEFAULTS: Partial<AvgPoolAttrs> = { data_format: 'NHWC' };
export const POOL_DEFAULTS: Partial<PoolAttrs> = { explicit_paddings: [], data_format: 'NHWC' };

export interface PoolParams extends WindowParams {
  kh: number;
  kw: number;
}

/** ksize, strides and padding of a pool, with TF's checks (label: the op type). */
export function poolParams(attrs: AvgPoolAttrs & { explicit_paddings?: readonly number[] }, label: string, allowExplicit: boolean): PoolParams {
  const format = dataFormatOf(attrs.data_format);
  const { ksize, strides } = attrs;
  if (ksize.length !== 4) throw new InvalidArgumentError(`${label} requires the ksize attribute to contain 4 values, but got: ${ksize.length}`);
  if (strides.length !== 4) throw new InvalidArgumentError(`${label} requires the stride attribute to contain 4 values, but got: ${strides.length}`);
  ksize.forEach((k, i) => {
    if (k <= 0) throw new InvalidArgumentError(`Sliding window ksize for dimension ${i} was zero.`);
  });
  const [n, h, w, c] = (['N', 'H', 'W', 'C'] as const).map((d) => dimIndex(format, d));
  if (ksize[n] !== 1 || strides[n] !== 1) throw new UnimplementedError('Pooling is not yet supported on the batch dimension.');
  if (ksize[c] !== 1 || strides[c] !== 1) throw new UnimplementedError(`${label}: pooling across depth is not supported (ksize and strides must be 1 in the depth dimension).`);
  for (const s of [strides[h], strides[w]]) if (s <= 0) throw new InvalidArgumentError(`Stride must be > 0, but got ${s}`);
  const padding = paddingOf(attrs.padding, allowExplicit);
  return {
    format,
    padding,
    kh: ksize[h],
    kw: ksize[w],
    strideH: strides[h],
    strideW: strides[w],
    dilationH: 1,
    dilationW: 1,
    explicit: explicitPaddingOf(padding, attrs.explicit_paddings ?? [], format),
  };
}

/** The pooled shape of a float rank-4 input. */
export function pooledShape(x: InputSpec, p: PoolParams): PartialShape {
  checkDType('input', x.dtype, FLOATS);
  checkRank4(x.shape);
  const [n, oh, ow] = spatialOutput(x.shape, p.kh, p.kw, p);
  return shapeIn(p.format, n, oh, ow, x.shape === null ? null : x.shape[dimIndex(p.format, 'C')]);
}

/** TF's check that a gradient-like operand has the shape it must have. */
export function expectShape(what: string, expected: PartialShape, got: PartialShape): void {
  if (expected === null || got === null) return;
  const same = expected.length === got.length && expected.every((d, i) => d === null || got[i] === null || d === got[i]);
  if (!same) throw new InvalidArgumentError(`Expected ${what} shape to be ${formatShape(expected)}, but got ${formatShape(got)}`);
}

export function poolGeometry(inShape: readonly number[], outShape: readonly number[], p: PoolParams): Geometry {
  const xs = nhwcShape(inShape, p.format);
  const ys = nhwcShape(outShape, p.format);
  return geometry(xs, p.kh, p.kw, ys[1], ys[2], p);
}

export function avgPoolAttrsOf(op: Operation): AvgPoolAttrs {
  const a = op.attrs;
  return { ksize: a.ksize as number[], strides: a.strides as number[], padding: a.padding as string, data_format: a.data_format as string };
}

export function poolAttrsOf(op: Operation): PoolAttrs {
  return { ...avgPoolAttrsOf(op), explicit_paddings: (op.attrs.explicit_paddings as number[] | undefined) ?? [] };
}
