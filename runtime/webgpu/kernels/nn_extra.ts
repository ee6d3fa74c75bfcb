import { scalarOf } from '../../../ops/kernel_util.js';
import type { LRNAttrs } from '../../../ops/nn/lrn.js';
import { checkTopK } from '../../../ops/nn/top_k.js';
import type { GpuTensor } from '../gpu_tensor.js';
import type { GpuKernel, GpuKernelArgs } from './kernel.js';
import { hostValue, need } from './kernel.js';
import { f32Bits, groups, shader } from './shader.js';

function output(a: GpuKernelArgs, i = 0): GpuTensor {
  const o = a.outputs[i];
  return a.gpu.alloc(o.dtype, o.shape, `output ${i} of '${a.ctx.opName}' (${a.ctx.opType})`);
}

/** LRN's attrs as parameter words after [size, channels]: radius, then bias, alpha, beta as f32 bits. */
function lrnParams(n: number, c: number, at: LRNAttrs): number[] {
  return [n, c, at.depth_radius, f32Bits(at.bias), f32Bits(at.alpha), f32Bits(at.beta)];
}

/**
 * bias + alpha * (sum of squares of in1 over the depth window of element i), the LRN norm. The
 * window is at most 2 * depth_radius + 1 channels, so each thread sums it directly.
 */
const NORM_FN = `
fn lrn_norm(i: u32) -> f32 {
  let c = P(1u); let r = P(2u);
  let ch = i % c; let base = i - ch;
  let lo = select(0u, ch - r, ch >= r);
  let hi = min(c - 1u, ch + r);
  var s = 0.0f;
  for (var d = lo; d <= hi; d++) { let v = in1[base + d]; s += v * v; }
  return PF(3u) + PF(4u) * s;
}`;

/** LRN (NHWC, channels last): a thread per element. */
const lrn: GpuKernel = (a) => {
  const x = need(a, 0);
  const out = output(a);
  const at = a.attrs as unknown as LRNAttrs;
  const c = x.shape[3];
  // in1 is the norm's operand: x bound twice keeps one helper for LRN and LRNGrad
  const source = (): string => shader([x.dtype, x.dtype], [out.dtype], 6, '  if (gid >= P(0u)) { return; }\n  out0[gid] = in0[gid] * pow(lrn_norm(gid), -PF(5u));', { extra: NORM_FN });
  a.gpu.launch({ key: 'lrn', source, inputs: [x, x], outputs: [out], params: lrnParams(x.size, c, at), workgroups: groups(x.size) });
  return [out];
};

/**
 * LRNGrad: dx_i = dy_i * n_i^-beta - 2 alpha beta x_i * sum over i's window of dy_j y_j / n_j (the
 * window is symmetric, so j's window holds i exactly when i's holds j).
 */
const lrnGrad: GpuKernel = (a) => {
  const [dy, x, y] = [need(a, 0), need(a, 1), need(a, 2)];
  const out = output(a);
  const at = a.attrs as unknown as LRNAttrs;
  const c = x.shape[3];
  const body = `  if (gid >= P(0u)) { return; }
  let c = P(1u); let r = P(2u);
  let ch = gid % c; let base = gid - ch;
  let lo = select(0u, ch - r, ch >= r);
  let hi = min(c - 1u, ch + r);
  var s = 0.0f;
  for (var d = lo; d <= hi; d++) { let j = base + d; s += in0[j] * in2[j] / lrn_norm(j); }
  out0[gid] = in0[gid] * pow(lrn_norm(gid), -PF(5u)) - 2.0f * PF(4u) * PF(5u) * in1[gid] * s;`;
  const source = (): string => shader([dy.dtype, x.dtype, y.dtype], [out.dtype], 6, body, { extra: NORM_FN });
  a.gpu.launch({ key: 'lrn-grad', source, inputs: [dy, x, y], outputs: [out], params: lrnParams(x.size, c, at), workgroups: groups(x.size) });
  return [out];
};

/**
 * TopKV2: a thread per row selects k times the first element (larger value, then lower index)
 * that comes after the previous pick in that order: O(k * n) per row, no scratch memory. NaN
 * ordering is not defined here (WGSL may assume floats are finite), unlike the CPU's.
 */
const topK: GpuKernel = (a) => {
  const x = need(a, 0);
  const k = scalarOf(hostValue(a, 1), 'k');
  const n = x.shape[x.shape.length - 1];
  checkTopK(k, n);
  const values = output(a, 0);
  const indices = output(a, 1);
  const rows = n === 0 ? 0 : x.size / n;
  const body = `  if (gid >= P(0u)) { return; }
  let n = P(1u); let k = P(2u);
  let base = gid * n;
  var pv = in0[base]; var pi = 0u; var have = false;
  for (var j = 0u; j < k; j++) {
    var bv = pv; var bi = n;
    for (var i = 0u; i < n; i++) {
      let v = in0[base + i];
      let after = !have || v < pv || (v == pv && i > pi);
      let better = bi == n || v > bv || (v == bv && i < bi);
      if (after && better) { bv = v; bi = i; }
    }
    out0[gid * k + j] = bv; out1[gid * k + j] = i32(bi);
    pv = bv; pi = bi; have = true;
  }`;
  const source = (): string => shader([x.dtype], [values.dtype, indices.dtype], 3, body);
  if (rows > 0 && k > 0) a.gpu.launch({ key: `topk|${x.dtype}`, source, inputs: [x], outputs: [values, indices], params: [rows, n, k], workgroups: groups(rows) });
  return [values, indices];
};

/**
 * InTopKV2: a thread per row counts the predictions above the target's. As TF, a target out of
 * range or a non-finite value in the row answers false (tested on the float's exponent bits).
 */
const inTopK: GpuKernel = (a) => {
  const [p, t] = [need(a, 0), need(a, 1)];
  const k = scalarOf(hostValue(a, 2), 'k');
  const [batch, classes] = p.shape;
  const out = output(a);
  const body = `  if (gid >= P(0u)) { return; }
  let c = P(1u); let k = PI(2u);
  let t = in1[gid];
  var known = t >= 0 && u32(t) < c;
  var more = 0;
  if (known) {
    let tv = in0[gid * c + u32(t)];
    for (var i = 0u; i < c; i++) {
      let v = in0[gid * c + i];
      if ((bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u) { known = false; }
      if (v > tv) { more++; }
    }
  }
  out0[gid] = select(0u, 1u, known && more < k);`;
  const source = (): string => shader([p.dtype, t.dtype], [out.dtype], 3, body);
  if (batch > 0) a.gpu.launch({ key: `intopk|${t.dtype}`, source, inputs: [p, t], outputs: [out], params: [batch, classes, k | 0], workgroups: groups(batch) });
  return [out];
};

/** LRN, LRNGrad, TopKV2 and InTopKV2 on WebGPU. */
export const NN_EXTRA_GPU_KERNELS = { LRN: lrn, LRNGrad: lrnGrad, TopKV2: topK, InTopKV2: inTopK };
