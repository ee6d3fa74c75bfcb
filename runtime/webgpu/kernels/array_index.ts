import { InvalidArgumentError, stridesOf } from '../../../graph/ir/index.js';
import { type OneHotAttrs, depthAxis } from '../../../ops/array/one_hot.js';
import { checkedAxis, prodOf } from '../../../ops/array/operands.js';
import { type PackAttrs, type UnpackAttrs, packAxisError } from '../../../ops/array/pack.js';
import { resolveStridedSlice } from '../../../ops/array/strided_slice_spec.js';
import type { StridedSliceAttrs } from '../../../ops/array/strided_slice.js';
import { intVector, scalarOf } from '../../../ops/kernel_util.js';
import type { KernelDevice } from '../kernel_device.js';
import type { GpuTensor } from '../gpu_tensor.js';
import type { GpuKernel, GpuKernelArgs } from './kernel.js';
import { hostValue, need } from './kernel.js';
import { groups, shader, store } from './shader.js';

function outputs(a: GpuKernelArgs): GpuTensor[] {
  return a.outputs.map((o, i) => a.gpu.alloc(o.dtype, o.shape, `output ${i} of '${a.ctx.opName}' (${a.ctx.opType})`));
}

/**
 * Copies rows of `chunk` elements between a packed and a strided layout: `gather` reads row o of
 * `src` at `o * srcRow + offset` into `dst` packed; otherwise packed `src` rows go to `dst` at
 * `o * dstRow + offset`. Concat, Pack, Split, SplitV and Unpack are a few of these.
 */
function chunkCopy(gpu: KernelDevice, src: GpuTensor, dst: GpuTensor, rows: number, chunk: number, row: number, offset: number, gather: boolean): void {
  const n = rows * chunk;
  if (n === 0) return;
  const idx = gather ? ['gid', '(gid / P(1u)) * P(2u) + P(3u) + gid % P(1u)'] : ['(gid / P(1u)) * P(2u) + P(3u) + gid % P(1u)', 'gid'];
  const source = (): string => shader([src.dtype], [dst.dtype], 4, `  if (gid >= P(0u)) { return; }\n  out0[${idx[0]}] = in0[${idx[1]}];`);
  gpu.launch({ key: `chunk|${gather}|${src.dtype}`, source, inputs: [src], outputs: [dst], params: [n, chunk, row, offset], workgroups: groups(n) });
}

function concatInto(gpu: KernelDevice, values: readonly GpuTensor[], out: GpuTensor, axis: number): void {
  const rows = prodOf(out.shape, 0, axis);
  const row = prodOf(out.shape, axis);
  let off = 0;
  for (const v of values) {
    const chunk = v.size / Math.max(rows, 1);
    chunkCopy(gpu, v, out, rows, chunk, row, off, false);
    off += chunk;
  }
}

function splitInto(gpu: KernelDevice, x: GpuTensor, outs: readonly GpuTensor[], axis: number): void {
  const rows = prodOf(x.shape, 0, axis);
  const row = prodOf(x.shape, axis);
  let off = 0;
  for (const o of outs) {
    const chunk = o.size / Math.max(rows, 1);
    chunkCopy(gpu, x, o, rows, chunk, row, off, true);
    off += chunk;
  }
}

/**
 * A box of `x` (per dim: a start and a signed step, `dims` long) into `out`, whose element order
 * is the box's: Slice and StridedSlice. Parameter words: the size, the box dims, then per dim the
 * element step (i32), then the start offset.
 */
function boxGather(gpu: KernelDevice, x: GpuTensor, out: GpuTensor, begin: readonly number[], steps: readonly number[], dims: readonly number[]): void {
  if (out.size === 0) return;
  const st = stridesOf(x.shape);
  const r = dims.length;
  let base = 0;
  begin.forEach((b, d) => (base += b * st[d]));
  const params = [out.size, ...dims, ...steps.map((s, d) => s * st[d]), base];
  const source = (): string => {
    const lines = ['  if (gid >= P(0u)) { return; }', `  var rem = gid; var off = PI(${1 + 2 * r}u);`];
    for (let d = r - 1; d >= 0; d--) lines.push(`  off += i32(rem % P(${1 + d}u)) * PI(${1 + r + d}u); rem = rem / P(${1 + d}u);`);
    lines.push('  out0[gid] = in0[u32(off)];');
    return shader([x.dtype], [out.dtype], params.length, lines.join('\n'));
  };
  gpu.launch({ key: `box|${x.dtype}|${r}`, source, inputs: [x], outputs: [out], params, workgroups: groups(out.size) });
}

/** Every output element from the input at coordinates `c - before` (padding where outside), or `c mod dims` (tiling). */
function indexMap(gpu: KernelDevice, kind: 'pad' | 'tile', x: GpuTensor, out: GpuTensor, before: readonly number[], value: GpuTensor | null): void {
  if (out.size === 0) return;
  const r = out.shape.length;
  const st = stridesOf(x.shape);
  const params = [out.size, ...out.shape, ...x.shape, ...st, ...before];
  const source = (): string => {
    const lines = ['  if (gid >= P(0u)) { return; }', '  var rem = gid; var off = 0u; var inside = true;'];
    for (let d = r - 1; d >= 0; d--) {
      lines.push(`  { let c = i32(rem % P(${1 + d}u)); rem = rem / P(${1 + d}u);`);
      if (kind === 'tile') lines.push(`    off += u32(c % PI(${1 + r + d}u)) * P(${1 + 2 * r + d}u); }`);
      else lines.push(`    let i = c - PI(${1 + 3 * r + d}u); inside = inside && i >= 0i && i < PI(${1 + r + d}u); off += u32(max(i, 0i)) * P(${1 + 2 * r + d}u); }`);
    }
    if (kind === 'tile') lines.push('  out0[gid] = in0[off];');
    else lines.push(`  if (inside) { out0[gid] = in0[off]; } else { out0[gid] = ${value ? 'in1[0]' : store(out.dtype, out.dtype === 'float32' ? '0.0f' : out.dtype === 'bool' ? 'false' : '0i')}; }`);
    return shader(value ? [x.dtype, value.dtype] : [x.dtype], [out.dtype], params.length, lines.join('\n'));
  };
  gpu.launch({ key: `${kind}|${x.dtype}|${r}|${value !== null}`, source, inputs: value ? [x, value] : [x], outputs: [out], params, workgroups: groups(out.size) });
}

/** Scatter of dy into a zeroed box of the output: StridedSliceGrad. */
function boxScatter(gpu: KernelDevice, dy: GpuTensor, out: GpuTensor, begin: readonly number[], steps: readonly number[], dims: readonly number[]): void {
  const zero = (): string => shader([], [out.dtype], 1, `  if (gid >= P(0u)) { return; }\n  out0[gid] = ${store(out.dtype, out.dtype === 'float32' ? '0.0f' : out.dtype === 'bool' ? 'false' : '0i')};`);
  gpu.launch({ key: `zero|${out.dtype}`, source: zero, inputs: [], outputs: [out], params: [out.size], workgroups: groups(out.size) });
  if (dy.size === 0) return;
  const st = stridesOf(out.shape);
  const r = dims.length;
  let base = 0;
  begin.forEach((b, d) => (base += b * st[d]));
  const params = [dy.size, ...dims, ...steps.map((s, d) => s * st[d]), base];
  const source = (): string => {
    const lines = ['  if (gid >= P(0u)) { return; }', `  var rem = gid; var off = PI(${1 + 2 * r}u);`];
    for (let d = r - 1; d >= 0; d--) lines.push(`  off += i32(rem % P(${1 + d}u)) * PI(${1 + r + d}u); rem = rem / P(${1 + d}u);`);
    lines.push('  out0[u32(off)] = in0[gid];');
    return shader([dy.dtype], [out.dtype], params.length, lines.join('\n'));
  };
  gpu.launch({ key: `scatterbox|${dy.dtype}|${r}`, source, inputs: [dy], outputs: [out], params, workgroups: groups(dy.size) });
}

/** GatherV2 along a host axis. An index outside [0, limit) gives 0 there (TF's GPU kernel; the CPU refuses). */
const gatherV2: GpuKernel = (a) => {
  const params = need(a, 0);
  const indices = need(a, 1);
  const axis = checkedAxis(scalarOf(hostValue(a, 2), 'axis'), params.shape.length, `GatherV2: axis out of range for rank ${params.shape.length}`);
  const [out] = outputs(a);
  if (out.size === 0) return [out];
  const limit = params.shape[axis];
  const inner = prodOf(params.shape, axis + 1);
  const n = indices.size;
  const zero = out.dtype === 'float32' ? '0.0f' : out.dtype === 'bool' ? '0u' : '0i';
  const source = (): string =>
    shader([params.dtype, indices.dtype], [out.dtype], 4, `
  if (gid >= P(0u)) { return; }
  let inner = P(1u); let n = P(2u); let limit = P(3u);
  let k = gid % inner; let j = (gid / inner) % n; let o = gid / (inner * n);
  let ix = in1[j];
  if (ix < 0i || u32(ix) >= limit) { out0[gid] = ${zero}; return; }
  out0[gid] = in0[(o * limit + u32(ix)) * inner + k];`);
  a.gpu.launch({ key: `gather|${params.dtype}|${indices.dtype}`, source, inputs: [params, indices], outputs: [out], params: [out.size, inner, n, limit], workgroups: groups(out.size) });
  return [out];
};

const oneHot: GpuKernel = (a) => {
  const indices = need(a, 0);
  const depth = scalarOf(hostValue(a, 1), 'depth');
  const on = need(a, 2);
  const off = need(a, 3);
  const axis = depthAxis((a.attrs as unknown as OneHotAttrs).axis, indices.shape.length);
  const [out] = outputs(a);
  if (out.size === 0) return [out];
  const inner = prodOf(indices.shape, axis);
  const source = (): string =>
    shader([indices.dtype, on.dtype, off.dtype], [out.dtype], 3, `
  if (gid >= P(0u)) { return; }
  let inner = P(1u); let d = P(2u);
  let i = gid % inner; let v = (gid / inner) % d; let o = gid / (inner * d);
  let ix = in0[o * inner + i];
  out0[gid] = select(in2[0], in1[0], ix >= 0i && u32(ix) == v);`);
  a.gpu.launch({ key: `onehot|${out.dtype}`, source, inputs: [indices, on, off], outputs: [out], params: [out.size, inner, depth], workgroups: groups(out.size) });
  return [out];
};

/** UnsortedSegmentSum: a thread per output element sums the rows whose id names it (negative ids dropped). */
const unsortedSegmentSum: GpuKernel = (a) => {
  const data = need(a, 0);
  const ids = need(a, 1);
  const [out] = outputs(a);
  if (out.size === 0) return [out];
  const inner = prodOf(out.shape, 1);
  const isF = out.dtype === 'float32';
  const source = (): string =>
    shader([data.dtype, ids.dtype], [out.dtype], 3, `
  if (gid >= P(0u)) { return; }
  let inner = P(1u); let n = P(2u);
  let row = i32(gid / inner); let k = gid % inner;
  var s = ${isF ? '0.0f' : '0i'};
  for (var i = 0u; i < n; i++) { if (in1[i] == row) { s += in0[i * inner + k]; } }
  out0[gid] = s;`);
  a.gpu.launch({ key: `segsum|${out.dtype}`, source, inputs: [data, ids], outputs: [out], params: [out.size, inner, ids.size], workgroups: groups(out.size) });
  return [out];
};

/** Range on the host values (start, limit and delta are host-memory inputs): an upload. */
const range: GpuKernel = (a) => {
  const o = a.outputs[0];
  const start = scalarOf(hostValue(a, 0), 'start');
  const delta = scalarOf(hostValue(a, 2), 'delta');
  const n = o.shape[0];
  if (!(n >= 0)) throw new InvalidArgumentError(`'${a.ctx.opName}' (Range): the size is not known before the run`);
  const out = a.gpu.alloc(o.dtype, [n], `the output of '${a.ctx.opName}'`);
  if (n === 0) return [out];
  const isF = o.dtype === 'float32';
  const source = (): string => shader([], [o.dtype], 3, `  if (gid >= P(0u)) { return; }\n  out0[gid] = ${isF ? 'PF(1u) + f32(gid) * PF(2u)' : 'PI(1u) + i32(gid) * PI(2u)'};`);
  const bits = (v: number): number => (isF ? new Uint32Array(new Float32Array([v]).buffer)[0] : v | 0);
  a.gpu.launch({ key: `range|${o.dtype}`, source, inputs: [], outputs: [out], params: [n, bits(start), bits(delta)], workgroups: groups(n) });
  return [out];
};

/** The array family's index-mapping WebGPU kernels. */
export const ARRAY_INDEX_GPU_KERNELS = {
  ConcatV2: ((a) => {
    const values = a.inputs.slice(0, -1).map((_x, i) => need(a, i));
    const [out] = outputs(a);
    concatInto(a.gpu, values, out, checkedAxis(scalarOf(hostValue(a, a.inputs.length - 1), 'axis'), out.shape.length, 'ConcatOp : bad axis'));
    return [out];
  }) as GpuKernel,
  Pack: ((a) => {
    const values = a.inputs.map((_x, i) => need(a, i));
    const [out] = outputs(a);
    const axis = (a.attrs as unknown as PackAttrs).axis;
    concatInto(a.gpu, values, out, checkedAxis(axis, out.shape.length, packAxisError(axis, out.shape.length)));
    return [out];
  }) as GpuKernel,
  Split: ((a) => {
    const x = need(a, 1);
    const outs = outputs(a);
    splitInto(a.gpu, x, outs, checkedAxis(scalarOf(hostValue(a, 0), 'split_dim'), x.shape.length, 'Split: bad split_dim'));
    return outs;
  }) as GpuKernel,
  SplitV: ((a) => {
    const x = need(a, 0);
    const outs = outputs(a);
    splitInto(a.gpu, x, outs, checkedAxis(scalarOf(hostValue(a, 2), 'split_dim'), x.shape.length, 'SplitV: bad split_dim'));
    return outs;
  }) as GpuKernel,
  Unpack: ((a) => {
    const x = need(a, 0);
    const outs = outputs(a);
    const axis = (a.attrs as unknown as UnpackAttrs).axis;
    splitInto(a.gpu, x, outs, checkedAxis(axis, x.shape.length, packAxisError(axis, x.shape.length)));
    return outs;
  }) as GpuKernel,
  Slice: ((a) => {
    const x = need(a, 0);
    const [out] = outputs(a);
    boxGather(a.gpu, x, out, intVector(hostValue(a, 1), 'begin'), x.shape.map(() => 1), out.shape);
    return [out];
  }) as GpuKernel,
  StridedSlice: ((a) => {
    const x = need(a, 0);
    const spec = resolveStridedSlice(x.shape, intVector(hostValue(a, 1), 'begin'), intVector(hostValue(a, 2), 'end'), intVector(hostValue(a, 3), 'strides'), a.attrs as unknown as StridedSliceAttrs);
    const [out] = outputs(a);
    boxGather(a.gpu, x, out, spec.begin, spec.strides, spec.processing as number[]);
    return [out];
  }) as GpuKernel,
  StridedSliceGrad: ((a) => {
    const [out] = outputs(a);
    const spec = resolveStridedSlice(out.shape, intVector(hostValue(a, 1), 'begin'), intVector(hostValue(a, 2), 'end'), intVector(hostValue(a, 3), 'strides'), a.attrs as unknown as StridedSliceAttrs);
    boxScatter(a.gpu, need(a, 4), out, spec.begin, spec.strides, spec.processing as number[]);
    return [out];
  }) as GpuKernel,
  Pad: ((a) => {
    const x = need(a, 0);
    const p = hostValue(a, 1).data;
    const [out] = outputs(a);
    indexMap(a.gpu, 'pad', x, out, x.shape.map((_d, i) => Number(p[2 * i])), null);
    return [out];
  }) as GpuKernel,
  PadV2: ((a) => {
    const x = need(a, 0);
    const p = hostValue(a, 1).data;
    const [out] = outputs(a);
    indexMap(a.gpu, 'pad', x, out, x.shape.map((_d, i) => Number(p[2 * i])), need(a, 2));
    return [out];
  }) as GpuKernel,
  Tile: ((a) => {
    const x = need(a, 0);
    const [out] = outputs(a);
    indexMap(a.gpu, 'tile', x, out, [], null);
    return [out];
  }) as GpuKernel,
  GatherV2: gatherV2,
  OneHot: oneHot,
  UnsortedSegmentSum: unsortedSegmentSum,
  Range: range,
};

