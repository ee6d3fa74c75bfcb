import type { Tensor } from '../../../../graph/ir/index.js';
import type { NodeContext, OpTable } from '../context.js';
import { checkBudget, MAX_TABLE_ELEMENTS, rankOf } from './util.js';

/**
 * Resize (and the older Upsample) of the two trailing axes of an NCHW tensor with static
 * spatial dims. Every ONNX mode is linear in the input along each axis, so each axis becomes a
 * constant interpolation matrix and the resize is two matrix products: y = A_h · x · A_wᵀ.
 * Nearest, linear and cubic modes, all coordinate transformations but tf_crop_and_resize, and
 * exact gradients come out of the same construction.
 */

type Mode = 'nearest' | 'linear' | 'cubic';
type Transform = 'half_pixel' | 'pytorch_half_pixel' | 'align_corners' | 'asymmetric' | 'half_pixel_symmetric';
/** 'simple' is what Upsample and Resize-10 do: floor when enlarging, ceil when shrinking. */
type Nearest = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil' | 'simple';

interface AxisSpec {
  inSize: number;
  outSize: number;
  scale: number;
}

function sourceCoord(t: Transform, o: number, a: AxisSpec): number {
  switch (t) {
    case 'half_pixel':
      return (o + 0.5) / a.scale - 0.5;
    case 'pytorch_half_pixel':
      return a.outSize > 1 ? (o + 0.5) / a.scale - 0.5 : 0;
    case 'align_corners':
      return a.outSize === 1 ? 0 : (o * (a.inSize - 1)) / (a.outSize - 1);
    case 'asymmetric':
      return o / a.scale;
    case 'half_pixel_symmetric': {
      const adj = a.outSize / (a.scale * a.inSize);
      const center = a.inSize / 2;
      const offset = center * (1 - adj);
      return offset + (o + 0.5) / a.scale - 0.5;
    }
  }
}

function nearestIndex(x: number, how: Nearest, scale: number): number {
  switch (how) {
    case 'simple':
      return scale < 1 ? Math.ceil(x) : Math.floor(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'round_prefer_ceil':
      return Math.floor(x + 0.5);
    case 'round_prefer_floor':
      return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x);
  }
}

function cubicWeights(t: number, a: number): number[] {
  const w = (d: number): number => {
    const x = Math.abs(d);
    if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
    if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a;
    return 0;
  };
  return [w(t + 1), w(t), w(1 - t), w(2 - t)];
}

/** The [out, in] matrix taking one axis from inSize to outSize. */
function axisMatrix(a: AxisSpec, mode: Mode, t: Transform, nearest: Nearest, cubicA: number, excludeOutside: boolean): Float32Array {
  const m = new Float32Array(a.outSize * a.inSize);
  const clamp = (i: number) => Math.min(Math.max(i, 0), a.inSize - 1);
  for (let o = 0; o < a.outSize; o++) {
    const x = sourceCoord(t, o, a);
    const row = o * a.inSize;
    if (mode === 'nearest') {
      m[row + clamp(nearestIndex(x, nearest, a.scale))] = 1;
    } else if (mode === 'linear') {
      const xc = Math.min(Math.max(x, 0), a.inSize - 1);
      const i0 = Math.floor(xc);
      const f = xc - i0;
      m[row + clamp(i0)] += 1 - f;
      m[row + clamp(i0 + 1)] += f;
    } else {
      const i0 = Math.floor(x);
      const ws = cubicWeights(x - i0, cubicA);
      const idx = [i0 - 1, i0, i0 + 1, i0 + 2];
      const inside = idx.map((i) => i >= 0 && i < a.inSize);
      const total = excludeOutside ? ws.reduce((s, w, k) => s + (inside[k] ? w : 0), 0) : 1;
      idx.forEach((i, k) => {
        if (excludeOutside && !inside[k]) return;
        m[row + clamp(i)] += ws[k] / total;
      });
    }
  }
  return m;
}

interface Spec {
  scales: number[] | null;
  sizes: number[] | null;
}

function resize(ctx: NodeContext, spec: Spec, legacy: boolean): Tensor[] {
  const x = ctx.input(0);
  const rank = rankOf(ctx, x);
  const shape = x.shape as (number | null)[];
  const a = ctx.attrs;
  const modeRaw = a.string('mode', 'nearest');
  const mode: Mode | null = modeRaw === 'nearest' ? 'nearest' : modeRaw === 'linear' || modeRaw === 'bilinear' ? 'linear' : modeRaw === 'cubic' ? 'cubic' : null;
  if (!mode) return ctx.invalid(`mode '${modeRaw}' is not an ONNX Resize mode`);
  const t = (legacy ? 'asymmetric' : a.choice('coordinate_transformation_mode', ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'half_pixel_symmetric', 'tf_crop_and_resize', 'tf_half_pixel_for_nn'], 'half_pixel')) as string;
  if (t === 'tf_crop_and_resize' || t === 'tf_half_pixel_for_nn') ctx.refuse(`coordinate_transformation_mode '${t}' is not mapped`);
  const nearest = (legacy ? 'simple' : a.choice('nearest_mode', ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'], 'round_prefer_floor')) as Nearest;
  if (a.int('antialias', 0) !== 0) ctx.refuse('antialias=1 is not mapped');
  const policy = a.string('keep_aspect_ratio_policy', 'stretch');
  if (policy !== 'stretch') ctx.refuse(`keep_aspect_ratio_policy '${policy}' is not mapped`);
  if (a.ints('axes')) ctx.refuse("the 'axes' attribute is not mapped (give scales or sizes for every axis)");
  const resized: number[] = [];
  const specs: AxisSpec[] = [];
  for (let i = 0; i < rank; i++) {
    const d = shape[i];
    const scale = spec.scales ? spec.scales[i] : null;
    const size = spec.sizes ? spec.sizes[i] : null;
    if (scale === 1 || (size !== null && size === d)) continue;
    if (scale === null && size === null) return ctx.invalid('needs scales or sizes');
    if (d === null) return ctx.refuse(`axis ${i} is resized, so its size must be known at import time`);
    const outSize = size ?? Math.floor(d * (scale as number));
    if (!Number.isFinite(outSize) || outSize < 0) return ctx.invalid(`axis ${i} resizes to ${outSize}`);
    checkBudget(ctx, outSize * d, MAX_TABLE_ELEMENTS, `the interpolation matrix of axis ${i} (${outSize} x ${d})`);
    resized.push(i);
    specs.push({ inSize: d, outSize, scale: scale ?? outSize / d });
  }
  if (resized.some((i) => i < rank - 2)) ctx.refuse(`only the two trailing axes can be resized (axes ${resized.join(', ')} are)`);
  let y = x;
  resized.forEach((axis, k) => {
    const s = specs[k];
    const matrix = ctx.constant(axisMatrix(s, mode, t as Transform, nearest, a.float('cubic_coeff_a', -0.75), a.int('exclude_outside', 0) !== 0), 'float32', [s.outSize, s.inSize]);
    if (axis === rank - 1) {
      y = ctx.op('BatchMatMulV2', [y, matrix], { adj_y: true })[0];
    } else {
      // the second-to-last axis: A · y over the trailing two dims
      y = rank === 2 ? ctx.op('MatMul', [matrix, y])[0] : ctx.op('BatchMatMulV2', [matrix, y])[0];
    }
  });
  return [y === x ? ctx.op('Identity', [x])[0] : y];
}

function floats(ctx: NodeContext, i: number, what: string): number[] | null {
  if (!ctx.has(i)) return null;
  const h = ctx.host(i);
  if (!h) return ctx.refuse(`its ${what} (input ${i}) must be a constant known at import time`);
  return h.values.length === 0 ? null : Array.from(h.values);
}

export const RESIZE_IMPORTS: OpTable = {
  // Upsample: scales as an attribute (opset 7) or input (9), asymmetric coordinates, floor
  Upsample: {
    7: (ctx) => resize(ctx, { scales: ctx.attrs.floats('scales') ?? ctx.invalid("attribute 'scales' is required"), sizes: null }, true),
    9: (ctx) => resize(ctx, { scales: floats(ctx, 1, 'scales'), sizes: null }, true),
  },
  Resize: {
    10: (ctx) => resize(ctx, { scales: floats(ctx, 1, 'scales'), sizes: null }, true),
    11: (ctx) => resize(ctx, { scales: floats(ctx, 2, 'scales'), sizes: ctx.has(3) ? ctx.ints(3, 'sizes') : null }, false),
  },
};

