import type { Geometry } from '../../ops/nn/conv_params.js';
import { geometry, windowedOutputSize } from '../../ops/nn/conv_params.js';

/** A stride or dilation: the same on both axes, or [along H, along W]. */
export type PerAxis = number | readonly [number, number];

/**
 * The kernels' NHWC geometry of a window op with its strides and dilations (square, or per
 * axis), SAME or VALID, worked out by the ops' own rules (conv_params.ts), for the wasm-vs-JS
 * kernel tests.
 */
export function windowGeometry(n: number, h: number, w: number, c: number, kh: number, kw: number, s: PerAxis, d: PerAxis, same: boolean): Geometry {
  const [sh, sw] = typeof s === 'number' ? [s, s] : s;
  const [dh, dw] = typeof d === 'number' ? [d, d] : d;
  const padding = same ? 'SAME' : 'VALID';
  const oh = windowedOutputSize(h, kh, dh, sh, padding, 0, 0)!;
  const ow = windowedOutputSize(w, kw, dw, sw, padding, 0, 0)!;
  return geometry([n, h, w, c], kh, kw, oh, ow, { format: 'NHWC', padding, strideH: sh, strideW: sw, dilationH: dh, dilationW: dw, explicit: [0, 0, 0, 0] });
}

/** A geometry and output channel count as an assertion label. */
export function windowLabel(g: Geometry, oc: number): string {
  return `[${g.n},${g.h},${g.w},${g.c}] k ${g.kh}x${g.kw} s ${g.sh},${g.sw} d ${g.dh},${g.dw} pad ${g.pt},${g.pl} oc ${oc}`;
}

/**
 * Convolutions with few output channels (the direct wasm kernels' shapes): LeNet's two convs, odd
 * widths (the one-pixel tail), tap and pixel counts off the kernels' tiles and blocks, a last group
 * of 4 channels, strides and dilations per axis, VALID windows that leave input rows and columns
 * unread, batch 1 and more, a depth of 256 (one gemm depth block).
 */
export const FEW_CHANNEL_CONVS: readonly (readonly [Geometry, number])[] = [
  [windowGeometry(3, 28, 28, 1, 5, 5, 1, 1, true), 8],
  [windowGeometry(2, 14, 14, 8, 5, 5, 1, 1, true), 16],
  [windowGeometry(1, 9, 11, 3, 3, 3, 1, 1, true), 4],
  [windowGeometry(2, 13, 7, 3, 3, 3, [2, 1], 1, true), 12],
  [windowGeometry(3, 10, 10, 8, 3, 2, 1, 2, false), 20],
  [windowGeometry(2, 12, 13, 5, 4, 3, [3, 2], [1, 3], true), 32],
  [windowGeometry(1, 11, 9, 2, 2, 2, [2, 3], 1, false), 8],
  [windowGeometry(2, 7, 6, 1, 1, 1, 1, 1, false), 4],
  [windowGeometry(1, 5, 5, 64, 2, 2, 1, 1, true), 8],
];
