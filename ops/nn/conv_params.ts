import { DType, InvalidArgumentError, Operation, PartialShape, UnimplementedError } from '../../graph/ir/index.js';
import { checkDType, checkSameDType, FLOATS } from '../dtype_sets.js';
import type { InputSpec } from '../op_def.js';

/**
 * What convolutions and pools share: TF's attrs (strides, dilations, ksize as 4-vectors in the
 * data format's layout; padding SAME/VALID/EXPLICIT with explicit_paddings), TF's windowed output
 * size arithmetic and its checks, and the NHWC geometry every kernel here computes in.
 */

export type DataFormat = 'NHWC' | 'NCHW';
export type Padding = 'SAME' | 'VALID' | 'EXPLICIT';

/** Attrs of Conv2D, its backprops and the depthwise family (TF's names). */
export type ConvAttrs = {
  strides: readonly number[];
  padding: string;
  explicit_paddings: readonly number[];
  data_format: string;
  dilations: readonly number[];
};

export const CONV_DEFAULTS: Partial<ConvAttrs> = { explicit_paddings: [], data_format: 'NHWC', dilations: [1, 1, 1, 1] };

/** The conv attrs of an existing op, for the ops its gradient builds. */
export function convAttrsOf(op: Operation): ConvAttrs {
  const a = op.attrs;
  return {
    strides: a.strides as number[],
    padding: a.padding as string,
    explicit_paddings: a.explicit_paddings as number[],
    data_format: a.data_format as string,
    dilations: a.dilations as number[],
  };
}

/** Two float operands of one type (TF's texts for a mismatch or a non-float type). */
export function checkFloatPair(names: [string, string], a: InputSpec, b: InputSpec, opType: string): DType {
  const dt = checkSameDType(names, [a.dtype, b.dtype], opType);
  checkDType(names[0], dt, FLOATS);
  return dt;
}

/** The spatial hyper-parameters of one op, read and checked from its attrs. */
export interface WindowParams {
  format: DataFormat;
  padding: Padding;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  /** [top, bottom, left, right] for EXPLICIT padding, zeros otherwise. */
  explicit: [number, number, number, number];
}

export function dataFormatOf(s: string): DataFormat {
  if (s !== 'NHWC' && s !== 'NCHW') throw new InvalidArgumentError(`Invalid data format string: ${s}`);
  return s;
}

/** Index of dim 'N' | 'H' | 'W' | 'C' in a rank-4 tensor of the format. */
export function dimIndex(format: DataFormat, dim: 'N' | 'H' | 'W' | 'C'): number {
  return format === 'NHWC' ? 'NHWC'.indexOf(dim) : 'NCHW'.indexOf(dim);
}

export function paddingOf(s: string, allowExplicit: boolean): Padding {
  if (s === 'SAME' || s === 'VALID' || (allowExplicit && s === 'EXPLICIT')) return s;
  const allowed = allowExplicit ? '"SAME", "VALID", "EXPLICIT"' : '"SAME", "VALID"';
  throw new InvalidArgumentError(`Value for attr 'padding' of "${s}" is not in the list of allowed values: ${allowed}`);
}

/** TF's CheckValidPadding, returning [top, bottom, left, right]. */
export function explicitPaddingOf(padding: Padding, pads: readonly number[], format: DataFormat): [number, number, number, number] {
  if (padding !== 'EXPLICIT') {
    if (pads.length !== 0) throw new InvalidArgumentError('explicit_paddings attribute must be empty if the padding attribute is not EXPLICIT');
    return [0, 0, 0, 0];
  }
  if (pads.length !== 8) throw new InvalidArgumentError(`explicit_paddings attribute must contain 8 values, but got: ${pads.length}`);
  if (pads.some((p) => p < 0)) throw new InvalidArgumentError('All elements of explicit_paddings must be nonnegative');
  const n = dimIndex(format, 'N');
  const c = dimIndex(format, 'C');
  if (pads[2 * n] !== 0 || pads[2 * n + 1] !== 0 || pads[2 * c] !== 0 || pads[2 * c + 1] !== 0) {
    throw new InvalidArgumentError('Nonzero explicit padding in the batch or depth dimensions is not supported');
  }
  const h = dimIndex(format, 'H');
  const w = dimIndex(format, 'W');
  return [pads[2 * h], pads[2 * h + 1], pads[2 * w], pads[2 * w + 1]];
}

/** Strides and dilations of a convolution, with TF's checks (label: "Conv2D", "DepthwiseConv2D"). */
export function convParams(attrs: ConvAttrs, label: string): WindowParams {
  const format = dataFormatOf(attrs.data_format);
  const { strides, dilations } = attrs;
  if (dilations.length !== 4) throw new InvalidArgumentError(`${label} requires the dilation attribute to contain 4 values, but got: ${dilations.length}`);
  if (strides.length !== 4) throw new InvalidArgumentError(`${label} on data format ${format} requires the stride attribute to contain 4 values, but got: ${strides.length}`);
  const [n, h, w, c] = (['N', 'H', 'W', 'C'] as const).map((d) => dimIndex(format, d));
  if (strides[n] !== 1 || strides[c] !== 1) {
    throw new UnimplementedError('Current implementation does not yet support strides in the batch and depth dimensions.');
  }
  if (strides[h] <= 0 || strides[w] <= 0) throw new InvalidArgumentError('Row and column strides should be larger than 0.');
  if (dilations[n] !== 1 || dilations[c] !== 1) {
    throw new UnimplementedError('Current implementation does not yet support dilations in the batch and depth dimensions.');
  }
  if (dilations[h] <= 0 || dilations[w] <= 0) throw new InvalidArgumentError('Dilated rates should be larger than 0.');
  const padding = paddingOf(attrs.padding, true);
  return {
    format,
    padding,
    strideH: strides[h],
    strideW: strides[w],
    dilationH: dilations[h],
    dilationW: dilations[w],
    explicit: explicitPaddingOf(padding, attrs.explicit_paddings, format),
  };
}

/**
 * TF's GetWindowedOutputSizeFromDimsV2: VALID and EXPLICIT subtract the dilated window from the
 * (padded) input, SAME gives ceil(in / stride). Unknown sizes give null.
 */
export function windowedOutputSize(
  inSize: number | null, k: number | null, dilation: number, stride: number, padding: Padding, before: number, after: number,
): number | null {
  if (inSize === null) return null;
  if (padding === 'SAME') return Math.ceil(inSize / stride);
  if (k === null) return null;
  const padded = inSize + before + after;
  const window = (k - 1) * dilation + 1;
  if (padded < window) throw new InvalidArgumentError(`Negative dimension size caused by subtracting ${window} from ${padded}`);
  return Math.floor((padded - window + stride) / stride);
}

/** Padding before the first element, given the resolved output size (SAME puts the odd one after). */
export function padBefore(inSize: number, k: number, dilation: number, stride: number, outSize: number, padding: Padding, explicitBefore: number): number {
  if (padding === 'VALID') return 0;
  if (padding === 'EXPLICIT') return explicitBefore;
  const needed = Math.max(0, (outSize - 1) * stride + (k - 1) * dilation + 1 - inSize);
  return Math.floor(needed / 2);
}

/** Output [N, OH, OW] of a window op over an input in `format` (rank already checked). */
export function spatialOutput(input: PartialShape, kh: number | null, kw: number | null, p: WindowParams): [number | null, number | null, number | null] {
  const dim = (d: 'N' | 'H' | 'W') => (input === null ? null : input[dimIndex(p.format, d)]);
  const [t, b, l, r] = p.explicit;
  return [
    dim('N'),
    windowedOutputSize(dim('H'), kh, p.dilationH, p.strideH, p.padding, t, b),
    windowedOutputSize(dim('W'), kw, p.dilationW, p.strideW, p.padding, l, r),
  ];
}

/** A rank-4 shape in `format` from its N, H, W, C parts. */
export function shapeIn(format: DataFormat, n: number | null, h: number | null, w: number | null, c: number | null): (number | null)[] {
  return format === 'NHWC' ? [n, h, w, c] : [n, c, h, w];
}

/** Everything a kernel needs, in NHWC terms, with paddings resolved. */
export interface Geometry {
  n: number; h: number; w: number; c: number;
  kh: number; kw: number;
  oh: number; ow: number;
  sh: number; sw: number;
  dh: number; dw: number;
  pt: number; pl: number;
}

export function geometry(inNHWC: readonly number[], kh: number, kw: number, oh: number, ow: number, p: WindowParams): Geometry {
  const [n, h, w, c] = inNHWC;
  return {
    n, h, w, c, kh, kw, oh, ow,
    sh: p.strideH, sw: p.strideW, dh: p.dilationH, dw: p.dilationW,
    pt: padBefore(h, kh, p.dilationH, p.strideH, oh, p.padding, p.explicit[0]),
    pl: padBefore(w, kw, p.dilationW, p.strideW, ow, p.padding, p.explicit[2]),
  };
}

/** A rank-4 shape in `format` as NHWC. */
export function nhwcShape(shape: readonly number[], format: DataFormat): number[] {
  return format === 'NHWC' ? [...shape] : [shape[0], shape[2], shape[3], shape[1]];
}

/** Rank-4 check with TF's text. */
export function checkRank4(shape: PartialShape): void {
  if (shape !== null && shape.length !== 4) throw new InvalidArgumentError(`Shape must be rank 4 but is rank ${shape.length}`);
}
