import { NDArray, stridesOf } from '../../../graph/ir/index.js';
import { broadcastReductionAxes } from '../../../ops/array/broadcast.js';
import { intVector } from '../../../ops/kernel_util.js';
import { arg, bin, lit } from '../../../ops/elementwise/scalar_expr.js';
import { type BiasAddAttrs, channelAxis } from '../../../ops/nn/bias_add.js';
import { dataFormatOf } from '../../../ops/nn/conv_params.js';
import type { GpuTensor } from '../gpu_tensor.js';
import { runElementwiseGpu } from './elementwise.js';
import type { GpuKernel, GpuKernelArgs } from './kernel.js';
import { hostValue, need } from './kernel.js';
import { reduceInto } from './reduce.js';
import { groups, shader } from './shader.js';

function output(a: GpuKernelArgs, i = 0): GpuTensor {
  const o = a.outputs[i];
  return a.gpu.alloc(o.dtype, o.shape, `output ${i} of '${a.ctx.opName}' (${a.ctx.opType})`);
}

/** Reshape-likes: the same elements under the output's shape (a device copy, so buffers never alias). */
const sameElements: GpuKernel = (a) => {
  const x = need(a, 0);
  const out = output(a);
  a.gpu.copy(x, out, x.size);
  return [out];
};

/** A host-computed value (shape metadata) uploaded as the output. */
function hostResult(make: (x: GpuTensor, a: GpuKernelArgs) => NDArray): GpuKernel {
  return (a) => [a.gpu.upload(make(need(a, 0), a), `the output of '${a.ctx.opName}'`)];
}

/**
 * Shape arithmetic whose operands are host-memory inputs (TF's HostMemory kernels): computed on
 * the host values, the result uploaded.
 */
function fromHost(make: (a: GpuKernelArgs) => NDArray[]): GpuKernel {
  return (a) => make(a).map((v, i) => a.gpu.upload(v, `output ${i} of '${a.ctx.opName}'`));
}

/** Transpose by a host-memory perm: a thread per output element reading through permuted strides. */
const transpose: GpuKernel = (a) => {
  const x = need(a, 0);
  const perm = Array.from(hostValue(a, 1).data, Number);
  const out = output(a);
  const r = x.shape.length;
  const inSt = stridesOf(x.shape);
  const params = [out.size, ...out.shape, ...perm.map((p) => inSt[p])];
  const source = (): string => {
    const lines = ['  if (gid >= P(0u)) { return; }', '  var rem = gid; var off = 0u;'];
    for (let d = r - 1; d >= 0; d--) lines.push(`  off += (rem % P(${1 + d}u)) * P(${1 + r + d}u); rem = rem / P(${1 + d}u);`);
    lines.push('  out0[gid] = in0[off];');
    return shader([x.dtype], [out.dtype], params.length, lines.join('\n'));
  };
  a.gpu.launch({ key: `transpose|${x.dtype}|${r}`, source, inputs: [x], outputs: [out], params, workgroups: groups(out.size) });
  return [out];
};

/** The elementwise sum of every input. */
const addN: GpuKernel = (a) => {
  const xs = a.inputs.map((_x, i) => need(a, i));
  let e = arg(0);
  for (let i = 1; i < xs.length; i++) e = bin('add', e, arg(i));
  const o = a.outputs[0];
  return [runElementwiseGpu(a.gpu, e, xs, o.dtype, o.shape, output(a))];
};

/** An output filled with one literal (zeros_like, ones_like). */
function filled(v: number): GpuKernel {
  return (a) => {
    const o = a.outputs[0];
    return [runElementwiseGpu(a.gpu, lit(v, o.dtype), [], o.dtype, o.shape, output(a))];
  };
}

/** BiasAdd: the bias broadcast along the channel axis (NHWC: last; NCHW: 1). */
const biasAdd: GpuKernel = (a) => {
  const x = need(a, 0);
  const b = need(a, 1);
  const axis = channelAxis(x.shape.length, dataFormatOf((a.attrs as unknown as BiasAddAttrs).data_format));
  const bShape = x.shape.map((d, i) => (i === axis ? d : 1));
  const bView: GpuTensor = { ...b, shape: bShape };
  const o = a.outputs[0];
  return [runElementwiseGpu(a.gpu, bin('add', arg(0), arg(1)), [x, bView], o.dtype, o.shape, output(a))];
};

/** BiasAddGrad: the gradient summed over every axis but the channel one. */
const biasAddGrad: GpuKernel = (a) => {
  const g = need(a, 0);
  const axis = channelAxis(g.shape.length, dataFormatOf((a.attrs as unknown as BiasAddAttrs).data_format));
  const out = output(a);
  reduceInto(a.gpu, g, g.shape.map((_d, i) => i).filter((i) => i !== axis), 'sum', out);
  return [out];
};

/** Fill: the scalar value broadcast to the host-memory dims. */
const fill: GpuKernel = (a) => {
  const o = a.outputs[0];
  return [runElementwiseGpu(a.gpu, arg(0), [need(a, 1)], o.dtype, o.shape, output(a))];
};

/** The array family's WebGPU kernels (the ones written so far). */
export const ARRAY_GPU_KERNELS = {
  Reshape: sameElements,
  ExpandDims: sameElements,
  Squeeze: sameElements,
  Identity: sameElements,
  StopGradient: sameElements,
  PlaceholderWithDefault: sameElements,
  Transpose: transpose,
  AddN: addN,
  ZerosLike: filled(0),
  OnesLike: filled(1),
  Fill: fill,
  BiasAdd: biasAdd,
  BiasAddGrad: biasAddGrad,
  NoOp: (() => []) as GpuKernel,
  Shape: hostResult((x, a) => NDArray.from(Int32Array.from(x.shape), [x.shape.length], a.outputs[0].dtype)),
  Size: hostResult((x, a) => NDArray.scalar(x.size, a.outputs[0].dtype)),
  Rank: hostResult((x) => NDArray.scalar(x.shape.length, 'int32')),
  BroadcastGradientArgs: fromHost((a) => {
    const [r0, r1] = broadcastReductionAxes(intVector(hostValue(a, 0), 's0'), intVector(hostValue(a, 1), 's1'));
    return [NDArray.from(Int32Array.from(r0), [r0.length], a.outputs[0].dtype), NDArray.from(Int32Array.from(r1), [r1.length], a.outputs[1].dtype)];
  }),
};
