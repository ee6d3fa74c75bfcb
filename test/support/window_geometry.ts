import type { Geometry } from '../../ops/nn/conv_params.js';
import { geometry, windowedOutputSize } from '../../ops/nn/conv_params.js';

/**
 * The kernels' NHWC geometry of a window op with square strides and dilations, SAME or VALID,
 * worked out by the ops' own rules (conv_params.ts), for the wasm-vs-JS kernel tests.
 */
export function windowGeometry(n: number, h: number, w: number, c: number, kh: number, kw: number, s: number, d: number, same: boolean): Geometry {
  const padding = same ? 'SAME' : 'VALID';
  const oh = windowedOutputSize(h, kh, d, s, padding, 0, 0)!;
  const ow = windowedOutputSize(w, kw, d, s, padding, 0, 0)!;
  return geometry([n, h, w, c], kh, kw, oh, ow, { format: 'NHWC', padding, strideH: s, strideW: s, dilationH: d, dilationW: d, explicit: [0, 0, 0, 0] });
}
