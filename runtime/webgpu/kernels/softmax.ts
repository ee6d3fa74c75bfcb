import { InvalidArgumentError, formatShape } from '../../../graph/ir/index.js';
import type { GpuKernel } from './kernel.js';
import { need } from './kernel.js';
import { groups, shader } from './shader.js';

/**
 * The log-sum-exp of row `r` of `in0` (rows of `n`), stable (the row max first): the part that
 * softmax, log-softmax and the two cross-entropy losses share.
 */
const LSE = `
fn row_lse(base: u32, n: u32) -> f32 {
  var mx = -tg_inf();
  for (var j = 0u; j < n; j++) { mx = tg_max_f(mx, in0[base + j]); }
  var s = 0.0f;
  for (var j = 0u; j < n; j++) { s += exp(in0[base + j] - mx); }
  return mx + log(s);
}`;

/** Softmax or log-softmax over the last axis: a thread per row. */
function softmaxKernel(log: boolean): GpuKernel {
  return (a) => {
    const x = need(a, 0);
    const n = x.shape[x.shape.length - 1] ?? 1;
    const rows = n === 0 ? 0 : x.size / n;
    const out = a.gpu.alloc('float32', x.shape, `the output of '${a.ctx.opName}'`);
    const params = [rows, n];
    const source = (): string =>
      shader(['float32'], ['float32'], 2, `
  if (gid >= P(0u)) { return; }
  let n = P(1u); let base = gid * n;
  let lse = row_lse(base, n);
  for (var j = 0u; j < n; j++) { out0[base + j] = ${log ? 'in0[base + j] - lse' : 'exp(in0[base + j] - lse)'}; }`, { extra: LSE });
    a.gpu.launch({ key: `softmax|${log}`, source, inputs: [x], outputs: [out], params, workgroups: groups(rows) });
    return [out];
  };
}

/** The two softmax cross-entropy losses: per row the loss and the gradient (softmax − labels). */
function crossEntropyKernel(sparse: boolean): GpuKernel {
  return (a) => {
    const f = need(a, 0);
    const l = need(a, 1);
    const [rows, n] = f.shape;
    if (sparse ? l.shape[0] !== rows : l.shape.join() !== f.shape.join()) {
      throw new InvalidArgumentError(`'${a.ctx.opName}' (${a.ctx.opType}): logits shape ${formatShape(f.shape)} and labels shape ${formatShape(l.shape)} do not match`);
    }
    const loss = a.gpu.alloc('float32', [rows], `the loss of '${a.ctx.opName}'`);
    const back = a.gpu.alloc('float32', f.shape, `the backprop of '${a.ctx.opName}'`);
    // a sparse label outside [0, n) gives NaN for its row (TF's GPU kernel; the CPU one refuses)
    const body = sparse
      ? `
  let lab = in1[gid];
  let ok = lab >= 0i && u32(lab) < n;
  var s = 0.0f;
  for (var j = 0u; j < n; j++) {
    let ls = in0[base + j] - lse;
    let y = select(0.0f, 1.0f, ok && u32(lab) == j);
    if (ok && u32(lab) == j) { s = -ls; }
    out1[base + j] = select(tg_nan(), exp(ls) - y, ok);
  }
  out0[gid] = select(tg_nan(), s, ok);`
      : `
  var s = 0.0f;
  for (var j = 0u; j < n; j++) {
    let ls = in0[base + j] - lse;
    let y = in1[base + j];
    if (y != 0.0f) { s -= y * ls; }
    out1[base + j] = exp(ls) - y;
  }
  out0[gid] = s;`;
    const source = (): string =>
      shader(['float32', l.dtype], ['float32', 'float32'], 2, `
  if (gid >= P(0u)) { return; }
  let n = P(1u); let base = gid * n;
  let lse = row_lse(base, n);${body}`, { extra: LSE });
    a.gpu.launch({ key: `xent|${sparse}|${l.dtype}`, source, inputs: [f, l], outputs: [loss, back], params: [rows, n], workgroups: groups(rows) });
    return [loss, back];
  };
}

/** The activation and loss families' WebGPU kernels (softmax-shaped ones). */
export const SOFTMAX_GPU_KERNELS = {
  Softmax: softmaxKernel(false),
  LogSoftmax: softmaxKernel(true),
  SoftmaxCrossEntropyWithLogits: crossEntropyKernel(false),
  SparseSoftmaxCrossEntropyWithLogits: crossEntropyKernel(true),
};
