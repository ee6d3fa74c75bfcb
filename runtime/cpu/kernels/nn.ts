import { type BiasAddAttrs, channelAxis } from '../../../ops/nn/bias_add.js';
import { LABEL } from '../../../ops/nn/depthwise.js';
import { NDArray } from '../../../graph/ir/index.js';
import { alloc } from './alloc.js';
import { ConvAttrs, convParams, dataFormatOf, geometry, nhwcShape } from '../../../ops/nn/conv_params.js';
import { fromNHWC, inNHWC, toNHWC } from './layout.js';
import { conv2dBackpropFilterNHWC, conv2dBackpropInputNHWC, conv2dNHWC } from './conv2d_kernel.js';
import type { Conv2DAttrs } from '../../../ops/nn/conv2d.js';
import { depthwiseBackpropFilterNHWC, depthwiseBackpropInputNHWC, depthwiseNHWC } from './depthwise_kernel.js';
import type { LRNAttrs } from '../../../ops/nn/lrn.js';
import { wasmKernelsOn } from '../wasm/kernel_mode.js';
import { wasmMaxPool, wasmMaxPoolApplies, wasmMaxPoolGrad } from '../wasm/wasm_pool.js';
import { wasmAvgPool, wasmAvgPoolGrad } from '../wasm/wasm_avg_pool.js';
import { wasmDepthwise, wasmDepthwiseBackpropFilter, wasmDepthwiseBackpropInput } from '../wasm/wasm_depthwise.js';
import { avgPoolGradNHWC, avgPoolNHWC, maxPoolArgmax, maxPoolGradGradNHWC, maxPoolGradNHWC } from './pool_kernel.js';
import { AvgPoolAttrs, PoolAttrs, poolGeometry, poolParams } from '../../../ops/nn/pool_params.js';
import { kernel } from './kernel.js';
import { TOP_K_KERNELS } from './top_k.js';

/** Splits a shape around the channel axis: outer * channels * inner elements. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return [outer, shape[axis], inner];
}

function norms(x: NDArray, a: LRNAttrs): Float64Array {
  const c = x.shape[3];
  const sq = Float64Array.from(x.data, (v) => v * v);
  const n = windowSums(sq, c === 0 ? 0 : x.size / c, c, a.depth_radius);
  for (let i = 0; i < n.length; i++) n[i] = a.bias + a.alpha * n[i];
  return n;
}

/** Sums of `v` over each depth window, for `rows` rows of `c` values (a prefix sum per row). */
function windowSums(v: Float64Array, rows: number, c: number, r: number): Float64Array {
  const out = new Float64Array(v.length);
  const prefix = new Float64Array(c + 1);
  for (let row = 0; row < rows; row++) {
    const o = row * c;
    for (let d = 0; d < c; d++) prefix[d + 1] = prefix[d] + v[o + d];
    for (let d = 0; d < c; d++) out[o + d] = prefix[Math.min(c, d + r + 1)] - prefix[Math.max(0, d - r)];
  }
  return out;
}

/** The nn family's CPU kernels. */
export const NN_KERNELS = {
  BiasAdd: kernel<BiasAddAttrs>(([x, b], attrs, [out]) => {
    const [outer, c, inner] = around(x.shape, channelAxis(x.rank, dataFormatOf(attrs.data_format)));
    const y = alloc(out);
    const yd = y.data;
    const xd = x.data;
    const bd = b.data;
    for (let o = 0, i = 0; o < outer; o++) {
      for (let ci = 0; ci < c; ci++) {
        const bv = bd[ci];
        for (let k = 0; k < inner; k++, i++) yd[i] = xd[i] + bv;
      }
    }
    return [y];
  }),
  BiasAddGrad: kernel<BiasAddAttrs>(([g], attrs, [out]) => {
    const [outer, c, inner] = around(g.shape, channelAxis(g.rank, dataFormatOf(attrs.data_format)));
    const sums = new Float64Array(c);
    const gd = g.data;
    if (inner === 1) {
      // channels last (NHWC, or a dense layer's [batch, units]): one add per element into its
      // channel's sum, the same float64 adds as the general loop (0 + x is exact), without an
      // inner loop of length 1 per element (LeNet's training step spent 1 ms a step here)
      for (let o = 0, i = 0; o < outer; o++) for (let ci = 0; ci < c; ci++, i++) sums[ci] += gd[i];
    } else {
      for (let o = 0, i = 0; o < outer; o++) {
        for (let ci = 0; ci < c; ci++) {
          let s = 0;
          for (let k = 0; k < inner; k++, i++) s += gd[i];
          sums[ci] += s;
        }
      }
    }
    const r = alloc(out);
    r.data.set(sums);
    return [r];
  }),
  Conv2D: kernel<Conv2DAttrs>(([x, f], attrs, [out]) => {
    const p = convParams(attrs, 'Conv2D');
    const xs = nhwcShape(x.shape, p.format);
    const ys = nhwcShape(out.shape, p.format);
    const [kh, kw, cg, oc] = f.shape;
    const g = geometry(xs, kh, kw, ys[1], ys[2], p);
    // NHWC: the kernel writes the step's own output (an arena block when run-scoped: alloc.ts)
    const y = p.format === 'NHWC' ? (alloc(out).data as Float32Array) : undefined;
    return [fromNHWC(conv2dNHWC(toNHWC(x, p.format), f.data as Float32Array, g, cg, oc, y), ys, p.format)];
  }),
  Conv2DBackpropInput: kernel<Conv2DAttrs>(([, f, dy], attrs, [out]) => {
    const p = convParams(attrs, 'Conv2DBackpropInput');
    const xs = nhwcShape(out.shape, p.format);
    const ys = nhwcShape(dy.shape, p.format);
    const [kh, kw, cg, oc] = f.shape;
    const g = geometry(xs, kh, kw, ys[1], ys[2], p);
    return [fromNHWC(conv2dBackpropInputNHWC(toNHWC(dy, p.format), f.data as Float32Array, g, cg, oc), xs, p.format)];
  }),
  Conv2DBackpropFilter: kernel<Conv2DAttrs>(([x, , dy], attrs, [out]) => {
    const p = convParams(attrs, 'Conv2DBackpropFilter');
    const xs = nhwcShape(x.shape, p.format);
    const ys = nhwcShape(dy.shape, p.format);
    const [kh, kw, cg, oc] = out.shape;
    const g = geometry(xs, kh, kw, ys[1], ys[2], p);
    const df = conv2dBackpropFilterNHWC(toNHWC(x, p.format), toNHWC(dy, p.format), g, cg, oc);
    return [new NDArray('float32', out.shape, df)];
  }),
  DepthwiseConv2dNative: kernel<ConvAttrs>(([x, f], attrs, [out]) => {
    const p = convParams(attrs, LABEL);
    const xs = nhwcShape(x.shape, p.format);
    const ys = nhwcShape(out.shape, p.format);
    const [kh, kw, , mult] = f.shape;
    const g = geometry(xs, kh, kw, ys[1], ys[2], p);
    const xd = toNHWC(x, p.format);
    const fd = f.data as Float32Array;
    return [fromNHWC((wasmKernelsOn() ? wasmDepthwise(xd, fd, g, mult) : null) ?? depthwiseNHWC(xd, fd, g, mult), ys, p.format)];
  }),
  DepthwiseConv2dNativeBackpropInput: kernel<ConvAttrs>(([, f, dy], attrs, [out]) => {
    const p = convParams(attrs, LABEL);
    const xs = nhwcShape(out.shape, p.format);
    const ys = nhwcShape(dy.shape, p.format);
    const [kh, kw, , mult] = f.shape;
    const g = geometry(xs, kh, kw, ys[1], ys[2], p);
    const dyd = toNHWC(dy, p.format);
    const fd = f.data as Float32Array;
    return [fromNHWC((wasmKernelsOn() ? wasmDepthwiseBackpropInput(dyd, fd, g, mult) : null) ?? depthwiseBackpropInputNHWC(dyd, fd, g, mult), xs, p.format)];
  }),
  DepthwiseConv2dNativeBackpropFilter: kernel<ConvAttrs>(([x, , dy], attrs, [out]) => {
    const p = convParams(attrs, LABEL);
    const xs = nhwcShape(x.shape, p.format);
    const ys = nhwcShape(dy.shape, p.format);
    const [kh, kw, , mult] = out.shape;
    const g = geometry(xs, kh, kw, ys[1], ys[2], p);
    const [xd, dyd] = [toNHWC(x, p.format), toNHWC(dy, p.format)];
    const df = (wasmKernelsOn() ? wasmDepthwiseBackpropFilter(xd, dyd, g, mult) : null) ?? depthwiseBackpropFilterNHWC(xd, dyd, g, mult);
    return [new NDArray('float32', out.shape, df)];
  }),
  LRN: kernel<LRNAttrs>(([x], attrs, [out]) => {
    const n = norms(x, attrs);
    const y = alloc(out);
    for (let i = 0; i < n.length; i++) y.data[i] = x.data[i] * Math.pow(n[i], -attrs.beta);
    return [y];
  }),
  LRNGrad: kernel<LRNAttrs>(([dy, x, y], attrs, [out]) => {
    const { alpha, beta } = attrs;
    const n = norms(x, attrs);
    const c = x.shape[3];
    const u = new Float64Array(n.length);
    for (let i = 0; i < n.length; i++) u[i] = (dy.data[i] * y.data[i]) / n[i];
    const bu = windowSums(u, c === 0 ? 0 : x.size / c, c, attrs.depth_radius);
    const dx = alloc(out);
    for (let i = 0; i < n.length; i++) {
      dx.data[i] = dy.data[i] * Math.pow(n[i], -beta) - 2 * alpha * beta * x.data[i] * bu[i];
    }
    return [dx];
  }),
  MaxPool: kernel<PoolAttrs>(([x], attrs, [out]) => {
    const p = poolParams(attrs, 'MaxPool', true);
    const g = poolGeometry(x.shape, out.shape, p);
    if (p.format === 'NHWC' && wasmKernelsOn() && wasmMaxPoolApplies(g)) {
      // the step's own output (an arena block when run-scoped: alloc.ts), written in place
      const y = alloc(out);
      wasmMaxPool(x.data as Float32Array, g, y.data as Float32Array);
      return [y];
    }
    return [inNHWC(p, out.shape, (xd) => (wasmKernelsOn() ? wasmMaxPool(xd, g) : null) ?? maxPoolArgmax(xd, g).y, x)];
  }),
  MaxPoolGrad: kernel<PoolAttrs>(([x, , dy], attrs, [out]) => {
    const p = poolParams(attrs, 'MaxPoolGrad', true);
    const g = poolGeometry(x.shape, dy.shape, p);
    return [inNHWC(p, out.shape, (xd, dyd) => (wasmKernelsOn() ? wasmMaxPoolGrad(xd, dyd, g) : null) ?? maxPoolGradNHWC(xd, dyd, g), x, dy)];
  }),
  MaxPoolGradGrad: kernel<PoolAttrs>(([x, , gg], attrs, [out]) => {
    const p = poolParams(attrs, 'MaxPoolGradGrad', true);
    const g = poolGeometry(x.shape, out.shape, p);
    return [inNHWC(p, out.shape, (xd, ggd) => maxPoolGradGradNHWC(xd, ggd, g), x, gg)];
  }),
  AvgPool: kernel<AvgPoolAttrs>(([x], attrs, [out]) => {
    const p = poolParams(attrs, 'AvgPool', false);
    const g = poolGeometry(x.shape, out.shape, p);
    return [inNHWC(p, out.shape, (xd) => (wasmKernelsOn() ? wasmAvgPool(xd, g) : null) ?? avgPoolNHWC(xd, g), x)];
  }),
  AvgPoolGrad: kernel<AvgPoolAttrs>(([, dy], attrs, [out]) => {
    const p = poolParams(attrs, 'AvgPoolGrad', false);
    const g = poolGeometry(out.shape, dy.shape, p);
    return [inNHWC(p, out.shape, (dyd) => (wasmKernelsOn() ? wasmAvgPoolGrad(dyd, g) : null) ?? avgPoolGradNHWC(dyd, g), dy)];
  }),
  ...TOP_K_KERNELS,
};
