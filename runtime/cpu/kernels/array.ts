import { type PackAttrs, type UnpackAttrs, packAxisError } from '../../../ops/array/pack.js';
import { rangeSize } from '../../../ops/array/range.js';
import { type OneHotAttrs, depthAxis } from '../../../ops/array/one_hot.js';
import { allocData, InvalidArgumentError, NDArray, normalizeAxis, sizeOf, transposeArray } from '../../../graph/ir/index.js';
import { intVector, scalarOf } from '../../../ops/kernel_util.js';
import { alloc, withShape } from './alloc.js';
import type { ResolvedOutput } from '../../../ops/op_def.js';
import { broadcastReductionAxes } from '../../../ops/array/broadcast.js';
import { concatChunks, gatherBox, scatterBox, splitChunks } from './block_copy.js';
import { checkedAxis, prodOf } from '../../../ops/array/operands.js';
import type { ConcatAttrs } from '../../../ops/array/concat.js';
import { indexText } from './index_error.js';
import { type GatherAttrs, axisError } from '../../../ops/array/gather.js';
import type { IndexType, SqueezeAttrs } from '../../../ops/array/reshape.js';
import type { SegmentAttrs } from '../../../ops/array/segment_sum.js';
import type { SplitAttrs, SplitVAttrs } from '../../../ops/array/split.js';
import { resolveStridedSlice } from '../../../ops/array/strided_slice_spec.js';
import type { StridedSliceAttrs } from '../../../ops/array/strided_slice.js';
import { checkPerm, invertPerm } from '../../../ops/array/transpose.js';
import { CpuKernel, kernel } from './kernel.js';
import { concatStringChunks, moveStrings } from './string_copy.js';

function padKernel(x: NDArray, paddings: NDArray, value: number, out: { dtype: NDArray['dtype']; shape: readonly number[] }): NDArray {
  const res = alloc(out);
  if (value !== 0) res.data.fill(value);
  const p = paddings.data;
  const before = x.shape.map((_d, i) => p[2 * i]);
  scatterBox(res.data, res.shape, before, x.shape.map(() => 1), x.shape, x.data);
  return res;
}

function splitKernel(x: NDArray, axis: number, outs: readonly ResolvedOutput[]): NDArray[] {
  const res = outs.map(alloc);
  const outer = prodOf(x.shape, 0, axis);
  if (outer > 0) splitChunks(x.data, outs.map((o) => prodOf(o.shape, axis)), outer, res.map((r) => r.data));
  return res;
}

/** Repeats the whole array `multiples[a]` times along each axis, innermost axis first. */
function tileKernel(x: NDArray, multiples: readonly number[], outShape: readonly number[]): NDArray {
  let cur = x.data;
  const shape = [...x.shape];
  for (let a = shape.length - 1; a >= 0; a--) {
    const m = multiples[a];
    if (m === 1) continue;
    const outer = prodOf(shape, 0, a);
    const chunk = prodOf(shape, a);
    const next = allocData(x.dtype, outer * chunk * m);
    if (chunk > 0) {
      for (let o = 0; o < outer; o++) {
        const row = cur.subarray(o * chunk, o * chunk + chunk);
        for (let k = 0; k < m; k++) next.set(row, (o * m + k) * chunk);
      }
    }
    cur = next;
    shape[a] *= m;
  }
  return new NDArray(x.dtype, outShape, cur);
}

function concatKernel(values: readonly NDArray[], axis: NDArray, out: ResolvedOutput): NDArray {
  const a = checkedAxis(scalarOf(axis, 'axis'), out.shape.length, 'ConcatOp : bad axis');
  const res = alloc(out);
  const outer = prodOf(out.shape, 0, a);
  if (outer > 0) concatChunks(values.map((v) => v.data), values.map((v) => prodOf(v.shape, a)), outer, res.data);
  return res;
}

function gatherKernel(params: NDArray, indices: NDArray, axis: NDArray, out: ResolvedOutput): NDArray {
  const a = checkedAxis(scalarOf(axis, 'axis'), params.rank, axisError(axis.data[0], params.rank));
  const limit = params.shape[a];
  const idx = indices.data;
  // every index is checked before anything is read
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (v < 0 || v >= limit) throw new InvalidArgumentError(`indices${indexText(indices.shape, i)} = ${v} is not in [0, ${limit})`);
  }
  const res = alloc(out);
  const outer = prodOf(params.shape, 0, a);
  const inner = prodOf(params.shape, a + 1);
  const src = params.data;
  const dst = res.data;
  const n = idx.length;
  let o = 0;
  for (let r = 0; r < outer; r++) {
    const rowBase = r * limit;
    for (let j = 0; j < n; j++) {
      const s = (rowBase + idx[j]) * inner;
      for (let k = 0; k < inner; k++) dst[o++] = src[s + k];
    }
  }
  return res;
}

function sliceKernel(x: NDArray, begin: NDArray, out: ResolvedOutput): NDArray {
  const res = alloc(out);
  gatherBox(x.data, x.shape, intVector(begin, 'begin'), x.shape.map(() => 1), out.shape, res.data);
  return res;
}

/** ZerosLike / OnesLike: a new array of the output's type filled with v. */
function likeKernel(v: number): CpuKernel {
  return kernel((_i, _a, [out]) => {
      const data = allocData(out.dtype, sizeOf(out.shape));
      if (v !== 0) data.fill(v);
      return [new NDArray(out.dtype, out.shape, data)];
    });
}

/** The array family's CPU kernels. */
export const ARRAY_KERNELS = {
  ZerosLike: likeKernel(0),
  OnesLike: likeKernel(1),
  BroadcastGradientArgs: kernel(([s0, s1], _a, outs) => {
    const [r0, r1] = broadcastReductionAxes(intVector(s0, 's0'), intVector(s1, 's1'));
    return [NDArray.from(Int32Array.from(r0), [r0.length], outs[0].dtype), NDArray.from(Int32Array.from(r1), [r1.length], outs[1].dtype)];
  }),
  ConcatV2: kernel<ConcatAttrs>((inputs, _attrs, [out]) => {
    const values = inputs.slice(0, -1);
    const axis = inputs[inputs.length - 1];
    return [out.dtype === 'string' ? moveStrings(values, out, (ps, o) => concatKernel(ps, axis, o)) : concatKernel(values, axis, out)];
  }),
  Fill: kernel(([, value], _a, [out]) => {
    const data = allocData(out.dtype, sizeOf(out.shape));
    data.fill(scalarOf(value, 'Fill: value'));
    return [new NDArray(out.dtype, out.shape, data)];
  }),
  GatherV2: kernel<GatherAttrs>(([params, indices, axis], _a, [out]) => [
    out.dtype === 'string' ? moveStrings([params], out, ([p], o) => gatherKernel(p, indices, axis, o)) : gatherKernel(params, indices, axis, out),
  ]),
  OneHot: kernel<OneHotAttrs>(([indices, depth, on, off], attrs, [out]) => {
    const a = depthAxis(attrs.axis, indices.rank);
    const d = scalarOf(depth, 'depth');
    const res = alloc(out);
    const offV = scalarOf(off, 'off_value');
    if (offV !== 0) res.data.fill(offV);
    const onV = scalarOf(on, 'on_value');
    const outer = prodOf(indices.shape, 0, a);
    const inner = prodOf(indices.shape, a);
    const idx = indices.data;
    const dst = res.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const v = idx[o * inner + i];
        if (v >= 0 && v < d) dst[(o * d + v) * inner + i] = onV;
      }
    }
    return [res];
  }),
  Pack: kernel<PackAttrs>((inputs, attrs, [out]) => {
    const a = checkedAxis(attrs.axis, out.shape.length, packAxisError(attrs.axis, out.shape.length));
    // TF's Saver packs its shard file names (save/MergeV2Checkpoints/checkpoint_prefixes)
    if (out.dtype === 'string') return [new NDArray('string', out.shape, concatStringChunks(inputs.map((v) => v.bytes), inputs.map((v) => prodOf(v.shape, a)), prodOf(out.shape, 0, a)))];
    const res = alloc(out);
    const outer = prodOf(out.shape, 0, a);
    if (outer > 0) concatChunks(inputs.map((v) => v.data), inputs.map((v) => prodOf(v.shape, a)), outer, res.data);
    return [res];
  }),
  Unpack: kernel<UnpackAttrs>(([x], attrs, outs) => {
    const a = checkedAxis(attrs.axis, x.rank, packAxisError(attrs.axis, x.rank));
    const res = outs.map(alloc);
    const outer = prodOf(x.shape, 0, a);
    if (outer > 0) splitChunks(x.data, outs.map(() => prodOf(x.shape, a + 1)), outer, res.map((r) => r.data));
    return res;
  }),
  Pad: kernel(([x, p], _a, [out]) => [padKernel(x, p, 0, out)]),
  PadV2: kernel(([x, p, v], _a, [out]) => [padKernel(x, p, scalarOf(v, 'constant_values'), out)]),
  Range: kernel(([s, l, d], _a, [out]) => {
    const start = scalarOf(s, 'start');
    const delta = scalarOf(d, 'delta');
    const n = rangeSize(start, scalarOf(l, 'limit'), delta, out.dtype !== 'float32');
    const data = allocData(out.dtype, n);
    for (let i = 0; i < n; i++) data[i] = start + i * delta;
    return [new NDArray(out.dtype, [n], data)];
  }),
  UnsortedSegmentSum: kernel<SegmentAttrs>(([data, ids], _a, [out]) => {
    const rows = out.shape[0];
    const idv = ids.data;
    for (let i = 0; i < idv.length; i++) {
      if (idv[i] >= rows) throw new InvalidArgumentError(`segment_ids${indexText(ids.shape, i)} = ${idv[i]} is out of range [0, ${rows})`);
    }
    const res = alloc(out);
    const inner = prodOf(out.shape, 1);
    const src = data.data;
    const dst = res.data;
    for (let i = 0; i < idv.length; i++) {
      const id = idv[i];
      // negative ids are dropped, as TF does
      if (id < 0) continue;
      const s = i * inner;
      const d = id * inner;
      for (let k = 0; k < inner; k++) dst[d + k] += src[s + k];
    }
    return [res];
  }),
  Slice: kernel(([x, begin], _a, [out]) => [out.dtype === 'string' ? moveStrings([x], out, ([p], o) => sliceKernel(p, begin, o)) : sliceKernel(x, begin, out)]),
  Split: kernel<SplitAttrs>(([dim, x], _a, outs) => {
    return splitKernel(x, checkedAxis(scalarOf(dim, 'split_dim'), x.rank, 'Split: bad split_dim'), outs);
  }),
  SplitV: kernel<SplitVAttrs>(([x, , dim], _a, outs) => {
    return splitKernel(x, checkedAxis(scalarOf(dim, 'split_dim'), x.rank, 'SplitV: bad split_dim'), outs);
  }),
  StridedSlice: kernel<StridedSliceAttrs>(([x, begin, end, strides], attrs, [out]) => {
    const spec = resolveStridedSlice(x.shape, intVector(begin, 'begin'), intVector(end, 'end'), intVector(strides, 'strides'), attrs);
    const res = alloc(out);
    gatherBox(x.data, x.shape, spec.begin, spec.strides, spec.processing as number[], res.data);
    return [res];
  }),
  StridedSliceGrad: kernel<StridedSliceAttrs>(([, begin, end, strides, dy], attrs, [out]) => {
    const spec = resolveStridedSlice(out.shape, intVector(begin, 'begin'), intVector(end, 'end'), intVector(strides, 'strides'), attrs);
    const res = alloc(out);
    scatterBox(res.data, res.shape, spec.begin, spec.strides, spec.processing as number[], dy.data);
    return [res];
  }),
  Tile: kernel(([x, m], _a, [out]) => {
    const multiples = intVector(m, 'multiples');
    return [out.dtype === 'string' ? moveStrings([x], out, ([p], o) => tileKernel(p, multiples, o.shape)) : tileKernel(x, multiples, out.shape)];
  }),
  Transpose: kernel(([x, perm]) => {
    return [transposeArray(x, checkPerm(intVector(perm, 'perm'), x.rank))];
  }),
  InvertPermutation: kernel(([x]) => {
    const p = checkPerm(intVector(x, 'x'), x.size);
    return [NDArray.from(Int32Array.from(invertPerm(p)), [p.length], x.dtype)];
  }),
  Reshape: kernel(([x], _a, [out]) => [withShape(x, out.shape)]),
  Shape: kernel<IndexType>(([x], _a, [out]) => [NDArray.from(Int32Array.from(x.shape), [x.rank], out.dtype)]),
  Size: kernel<IndexType>(([x], _a, [out]) => [NDArray.scalar(x.size, out.dtype)]),
  Rank: kernel(([x]) => [NDArray.scalar(x.rank, 'int32')]),
  Squeeze: kernel<SqueezeAttrs>(([x], attrs, [out]) => {
    const axes = attrs.squeeze_dims.map((a) => normalizeAxis(a, x.rank, 'Squeeze'));
    for (const a of axes) {
      if (x.shape[a] !== 1) throw new InvalidArgumentError(`Can not squeeze dim[${a}], expected a dimension of 1, got ${x.shape[a]}`);
    }
    const shape = x.shape.filter((d, i) => (axes.length > 0 ? !axes.includes(i) : d !== 1));
    return [withShape(x, shape, out.dtype)];
  }),
  ExpandDims: kernel(([x], _a, [out]) => [withShape(x, out.shape)]),
};
