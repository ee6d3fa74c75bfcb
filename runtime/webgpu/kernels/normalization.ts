import { type BNAttrs, type BNGradAttrs, layout } from '../../../ops/normalization/fused_batch_norm.js';
import { type ScanAttrs, scanAxis } from '../../../ops/reduce/cumulative.js';
import { scalarOf } from '../../../ops/kernel_util.js';
import type { GpuKernel, GpuKernelArgs } from './kernel.js';
import { hostValue, need } from './kernel.js';
import { f32Bits, groups, shader } from './shader.js';

function outputs(a: GpuKernelArgs): ReturnType<GpuKernelArgs['gpu']['alloc']>[] {
  return a.outputs.map((o, i) => a.gpu.alloc(o.dtype, o.shape, `output ${i} of '${a.ctx.opName}' (${a.ctx.opType})`));
}

/** Element (o, ch, i) of the [outer, c, inner] view, for a thread per channel. */
const AT = 'fn at(o: u32, ch: u32, i: u32) -> u32 { return (o * P(2u) + ch) * P(3u) + i; }';

/**
 * FusedBatchNormV3: a thread per channel works out the statistics (training: the batch's mean and
 * biased variance, two passes; the running outputs with the unbiased correction and the
 * exponential average), then a thread per element normalises. Parameter words: outer, c, inner,
 * count, epsilon and the average factor as float bits.
 */
const fusedBatchNorm: GpuKernel = (a) => {
  const attrs = a.attrs as unknown as BNAttrs;
  const [x, scale, offset, mean, variance] = [0, 1, 2, 3, 4].map((i) => need(a, i));
  const { outer, c, inner } = layout(x.shape, attrs.data_format);
  const [y, batchMean, batchVar, mu, inv, reserve3] = outputs(a);
  const count = outer * inner;
  const params = [c, outer, c, inner, count, f32Bits(attrs.epsilon), f32Bits(attrs.exponential_avg_factor)];
  const train = attrs.is_training;
  const stats = (): string =>
    shader(['float32', 'float32', 'float32'], ['float32', 'float32', 'float32', 'float32'], params.length, `
  if (gid >= P(0u)) { return; }
  let ch = gid; let outer = P(1u); let inner = P(3u); let n = f32(max(P(4u), 1u));
  ${train ? `var m = 0.0f;
  for (var o = 0u; o < outer; o++) { for (var i = 0u; i < inner; i++) { m += in0[at(o, ch, i)]; } }
  m = m / n;
  var v = 0.0f;
  for (var o = 0u; o < outer; o++) { for (var i = 0u; i < inner; i++) { let d = in0[at(o, ch, i)] - m; v += d * d; } }
  v = v / n;
  let corr = select(1.0f, f32(P(4u)) / f32(P(4u) - 1u), P(4u) > 1u);
  let f = PF(6u);
  out0[ch] = select((1.0f - f) * in1[ch] + f * m, m, f == 1.0f);
  out1[ch] = select((1.0f - f) * in2[ch] + f * v * corr, v * corr, f == 1.0f);` : `let m = in1[ch]; let v = in2[ch];
  out0[ch] = m; out1[ch] = v;`}
  out2[ch] = m;
  out3[ch] = 1.0f / sqrt(v + PF(5u));`, { extra: AT });
  a.gpu.launch({ key: `bnstats|${train}`, source: stats, inputs: [x, mean, variance], outputs: [batchMean, batchVar, mu, inv], params, workgroups: groups(c) });
  const apply = (): string =>
    shader(['float32', 'float32', 'float32', 'float32', 'float32'], ['float32'], 3, `
  if (gid >= P(0u)) { return; }
  let ch = (gid / P(2u)) % P(1u);
  let k = in3[ch] * in1[ch];
  out0[gid] = in0[gid] * k + (in2[ch] - in4[ch] * k);`);
  if (x.size > 0) a.gpu.launch({ key: 'bnapply', source: apply, inputs: [x, scale, offset, inv, mu], outputs: [y], params: [x.size, c, inner], workgroups: groups(x.size) });
  return [y, batchMean, batchVar, mu, inv, reserve3];
};

/** FusedBatchNormGradV3: per-channel sums by a thread per channel, then dx by a thread per element. */
const fusedBatchNormGrad: GpuKernel = (a) => {
  const attrs = a.attrs as unknown as BNGradAttrs;
  const [dy, x, scale, r1, r2] = [0, 1, 2, 3, 4].map((i) => need(a, i));
  const { outer, c, inner } = layout(x.shape, attrs.data_format);
  const [dx, dScale, dOffset, e1, e2] = outputs(a);
  const params = [c, outer, c, inner];
  const sums = (): string =>
    shader(['float32', 'float32', 'float32', 'float32'], ['float32', 'float32'], 4, `
  if (gid >= P(0u)) { return; }
  let ch = gid; var sdy = 0.0f; var sdx = 0.0f;
  for (var o = 0u; o < P(1u); o++) { for (var i = 0u; i < P(3u); i++) {
    let g = in0[at(o, ch, i)]; sdy += g; sdx += g * (in1[at(o, ch, i)] - in2[ch]) * in3[ch];
  } }
  out0[ch] = sdx; out1[ch] = sdy;`, { extra: AT });
  a.gpu.launch({ key: 'bngradsums', source: sums, inputs: [dy, x, r1, r2], outputs: [dScale, dOffset], params, workgroups: groups(c) });
  const train = attrs.is_training;
  const body = (): string =>
    shader(['float32', 'float32', 'float32', 'float32', 'float32', 'float32', 'float32'], ['float32'], 4, `
  if (gid >= P(0u)) { return; }
  let ch = (gid / P(2u)) % P(1u); let m = f32(P(3u));
  let k = in2[ch] * in4[ch];
  ${train ? 'let xhat = (in1[gid] - in3[ch]) * in4[ch];\n  out0[gid] = (k / m) * (m * in0[gid] - in6[ch] - xhat * in5[ch]);' : 'out0[gid] = in0[gid] * k;'}`);
  if (x.size > 0) a.gpu.launch({ key: `bngraddx|${train}`, source: body, inputs: [dy, x, scale, r1, r2, dScale, dOffset], outputs: [dx], params: [x.size, c, inner, outer * inner], workgroups: groups(x.size) });
  return [dx, dScale, dOffset, e1, e2];
};

/** Cumsum / Cumprod along a host axis: a thread per (outer, inner) line scans it serially. */
function scanKernel(kind: 'sum' | 'prod'): GpuKernel {
  return (a) => {
    const x = need(a, 0);
    const attrs = a.attrs as unknown as ScanAttrs;
    const axis = scanAxis(scalarOf(hostValue(a, 1), 'ScanOp: axis'), x.shape.length);
    const [out] = outputs(a);
    const len = x.shape[axis];
    let inner = 1;
    for (const d of x.shape.slice(axis + 1)) inner *= d;
    const lines = len === 0 ? 0 : x.size / len;
    if (lines === 0) return [out];
    const isF = x.dtype === 'float32';
    const source = (): string =>
      shader([x.dtype], [x.dtype], 3, `
  if (gid >= P(0u)) { return; }
  let len = P(1u); let inner = P(2u);
  let base = (gid / inner) * len * inner + gid % inner;
  var acc = ${kind === 'sum' ? (isF ? '0.0f' : '0i') : isF ? '1.0f' : '1i'};
  for (var s = 0u; s < len; s++) {
    let r = ${attrs.reverse ? 'len - 1u - s' : 's'};
    let k = base + r * inner;
    let next = acc ${kind === 'sum' ? '+' : '*'} in0[k];
    out0[k] = ${attrs.exclusive ? 'acc' : 'next'};
    acc = next;
  }`);
    a.gpu.launch({ key: `scan|${kind}|${x.dtype}|${attrs.exclusive === true}|${attrs.reverse === true}`, source, inputs: [x], outputs: [out], params: [lines, len, inner], workgroups: groups(lines) });
    return [out];
  };
}

/** The normalization and cumulative families' WebGPU kernels. */
export const NORMALIZATION_GPU_KERNELS = {
  FusedBatchNormV3: fusedBatchNorm,
  FusedBatchNormGradV3: fusedBatchNormGrad,
  Cumsum: scanKernel('sum'),
  Cumprod: scanKernel('prod'),
};
