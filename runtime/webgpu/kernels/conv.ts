import { DType } from '../../../graph/ir/index.js';
import { type Conv2DAttrs } from '../../../ops/nn/conv2d.js';
import { ConvAttrs, convParams, dataFormatOf, Geometry, geometry, nhwcShape } from '../../../ops/nn/conv_params.js';
import { poolGeometry, poolParams } from '../../../ops/nn/pool_params.js';
import type { AvgPoolAttrs, PoolAttrs } from '../../../ops/nn/pool_params.js';
import type { KernelDevice } from '../kernel_device.js';
import type { GpuTensor } from '../gpu_tensor.js';
import type { GpuKernel, GpuKernelArgs } from './kernel.js';
import { need } from './kernel.js';
import { groups, shader } from './shader.js';

/**
 * Window ops (convolutions, depthwise, pooling and their gradients) as direct kernels: a thread per
 * element of what is written, looping over the window. Parameter words: the geometry (NHWC terms,
 * paddings resolved by the op's own `geometry`), the channel split, and the element strides of the
 * x-side and y-side tensors in N, H, W, C order, so NCHW tensors are read in place.
 */
const GEOM = `
fn g_n() -> i32 { return PI(1u); } fn g_h() -> i32 { return PI(2u); } fn g_w() -> i32 { return PI(3u); } fn g_c() -> i32 { return PI(4u); }
fn g_kh() -> i32 { return PI(5u); } fn g_kw() -> i32 { return PI(6u); } fn g_oh() -> i32 { return PI(7u); } fn g_ow() -> i32 { return PI(8u); }
fn g_sh() -> i32 { return PI(9u); } fn g_sw() -> i32 { return PI(10u); } fn g_dh() -> i32 { return PI(11u); } fn g_dw() -> i32 { return PI(12u); }
fn g_pt() -> i32 { return PI(13u); } fn g_pl() -> i32 { return PI(14u); } fn g_cg() -> i32 { return PI(15u); } fn g_oc() -> i32 { return PI(16u); }
fn xi(b: i32, y: i32, x: i32, c: i32) -> u32 { return u32(b * PI(17u) + y * PI(18u) + x * PI(19u) + c * PI(20u)); }
fn yi(b: i32, y: i32, x: i32, c: i32) -> u32 { return u32(b * PI(21u) + y * PI(22u) + x * PI(23u) + c * PI(24u)); }`;

/** Element strides of a rank-4 tensor in `format`, listed in N, H, W, C order. */
function nhwcStrides(shape: readonly number[], format: 'NHWC' | 'NCHW'): number[] {
  const [n, h, w, c] = nhwcShape(shape, format);
  void n;
  return format === 'NHWC' ? [h * w * c, w * c, c, 1] : [c * h * w, w, 1, h * w];
}

function geomParams(size: number, g: Geometry, cg: number, oc: number, xShape: readonly number[], yShape: readonly number[], format: 'NHWC' | 'NCHW'): number[] {
  return [size, g.n, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, cg, oc, ...nhwcStrides(xShape, format), ...nhwcStrides(yShape, format)];
}

/** `let`s of the NHWC coordinates of `gid` over dims (d0, d1, d2, d3), innermost last. */
function coords(names: [string, string, string, string], dims: [string, string, string, string]): string {
  return `  let ${names[3]} = i32(gid) % ${dims[3]}; let r1_ = i32(gid) / ${dims[3]};
  let ${names[2]} = r1_ % ${dims[2]}; let r2_ = r1_ / ${dims[2]};
  let ${names[1]} = r2_ % ${dims[1]}; let ${names[0]} = r2_ / ${dims[1]};`;
}

const BODIES = {
  conv: `${coords(['b', 'oy', 'ox', 'oc'], ['g_n()', 'g_oh()', 'g_ow()', 'g_oc()'])}
  let ocpg = g_oc() / (g_c() / g_cg()); let grp = oc / ocpg;
  var s = 0.0f;
  for (var i = 0i; i < g_kh(); i++) {
    let iy = oy * g_sh() - g_pt() + i * g_dh(); if (iy < 0i || iy >= g_h()) { continue; }
    for (var j = 0i; j < g_kw(); j++) {
      let ix = ox * g_sw() - g_pl() + j * g_dw(); if (ix < 0i || ix >= g_w()) { continue; }
      for (var ci = 0i; ci < g_cg(); ci++) { s += in0[xi(b, iy, ix, grp * g_cg() + ci)] * in1[u32(((i * g_kw() + j) * g_cg() + ci) * g_oc() + oc)]; }
    }
  }
  out0[yi(b, oy, ox, oc)] = s;`,
  convInput: `${coords(['b', 'iy', 'ix', 'c'], ['g_n()', 'g_h()', 'g_w()', 'g_c()'])}
  let ocpg = g_oc() / (g_c() / g_cg()); let grp = c / g_cg(); let ci = c % g_cg();
  var s = 0.0f;
  for (var i = 0i; i < g_kh(); i++) {
    let ty = iy + g_pt() - i * g_dh(); if (ty < 0i || ty % g_sh() != 0i || ty / g_sh() >= g_oh()) { continue; }
    for (var j = 0i; j < g_kw(); j++) {
      let tx = ix + g_pl() - j * g_dw(); if (tx < 0i || tx % g_sw() != 0i || tx / g_sw() >= g_ow()) { continue; }
      for (var k = 0i; k < ocpg; k++) { let oc = grp * ocpg + k; s += in1[yi(b, ty / g_sh(), tx / g_sw(), oc)] * in0[u32(((i * g_kw() + j) * g_cg() + ci) * g_oc() + oc)]; }
    }
  }
  out0[xi(b, iy, ix, c)] = s;`,
  convFilter: `${coords(['i', 'j', 'ci', 'oc'], ['g_kh()', 'g_kw()', 'g_cg()', 'g_oc()'])}
  let ocpg = g_oc() / (g_c() / g_cg()); let grp = oc / ocpg;
  var s = 0.0f;
  for (var b = 0i; b < g_n(); b++) { for (var oy = 0i; oy < g_oh(); oy++) {
    let iy = oy * g_sh() - g_pt() + i * g_dh(); if (iy < 0i || iy >= g_h()) { continue; }
    for (var ox = 0i; ox < g_ow(); ox++) {
      let ix = ox * g_sw() - g_pl() + j * g_dw(); if (ix < 0i || ix >= g_w()) { continue; }
      s += in0[xi(b, iy, ix, grp * g_cg() + ci)] * in1[yi(b, oy, ox, oc)];
    } } }
  out0[gid] = s;`,
  depthwise: `${coords(['b', 'oy', 'ox', 'oc'], ['g_n()', 'g_oh()', 'g_ow()', 'g_oc()'])}
  let mult = g_cg(); let cc = oc / mult; let m = oc % mult;
  var s = 0.0f;
  for (var i = 0i; i < g_kh(); i++) {
    let iy = oy * g_sh() - g_pt() + i * g_dh(); if (iy < 0i || iy >= g_h()) { continue; }
    for (var j = 0i; j < g_kw(); j++) {
      let ix = ox * g_sw() - g_pl() + j * g_dw(); if (ix < 0i || ix >= g_w()) { continue; }
      s += in0[xi(b, iy, ix, cc)] * in1[u32(((i * g_kw() + j) * g_c() + cc) * mult + m)];
    }
  }
  out0[yi(b, oy, ox, oc)] = s;`,
  depthwiseInput: `${coords(['b', 'iy', 'ix', 'cc'], ['g_n()', 'g_h()', 'g_w()', 'g_c()'])}
  let mult = g_cg();
  var s = 0.0f;
  for (var i = 0i; i < g_kh(); i++) {
    let ty = iy + g_pt() - i * g_dh(); if (ty < 0i || ty % g_sh() != 0i || ty / g_sh() >= g_oh()) { continue; }
    for (var j = 0i; j < g_kw(); j++) {
      let tx = ix + g_pl() - j * g_dw(); if (tx < 0i || tx % g_sw() != 0i || tx / g_sw() >= g_ow()) { continue; }
      for (var m = 0i; m < mult; m++) { s += in1[yi(b, ty / g_sh(), tx / g_sw(), cc * mult + m)] * in0[u32(((i * g_kw() + j) * g_c() + cc) * mult + m)]; }
    }
  }
  out0[xi(b, iy, ix, cc)] = s;`,
  depthwiseFilter: `${coords(['i', 'j', 'cc', 'm'], ['g_kh()', 'g_kw()', 'g_c()', 'g_cg()'])}
  let mult = g_cg();
  var s = 0.0f;
  for (var b = 0i; b < g_n(); b++) { for (var oy = 0i; oy < g_oh(); oy++) {
    let iy = oy * g_sh() - g_pt() + i * g_dh(); if (iy < 0i || iy >= g_h()) { continue; }
    for (var ox = 0i; ox < g_ow(); ox++) {
      let ix = ox * g_sw() - g_pl() + j * g_dw(); if (ix < 0i || ix >= g_w()) { continue; }
      s += in0[xi(b, iy, ix, cc)] * in1[yi(b, oy, ox, cc * mult + m)];
    } } }
  out0[gid] = s;`,
  // the first maximum of the window wins (NaN never does), as the CPU's maxPoolArgmax
  maxPool: `${coords(['b', 'oy', 'ox', 'c'], ['g_n()', 'g_oh()', 'g_ow()', 'g_c()'])}
  out0[yi(b, oy, ox, c)] = window_max(b, oy, ox, c).v;`,
  maxPoolGrad: `${coords(['b', 'iy', 'ix', 'c'], ['g_n()', 'g_h()', 'g_w()', 'g_c()'])}
  let me = i32(xi(b, iy, ix, c));
  var s = 0.0f;
  for (var oy = max(0i, (iy + g_pt() - g_kh() + g_sh()) / g_sh()); oy < g_oh() && oy * g_sh() - g_pt() <= iy; oy++) {
    for (var ox = max(0i, (ix + g_pl() - g_kw() + g_sw()) / g_sw()); ox < g_ow() && ox * g_sw() - g_pl() <= ix; ox++) {
      if (oy * g_sh() - g_pt() + g_kh() <= iy || ox * g_sw() - g_pl() + g_kw() <= ix) { continue; }
      if (window_max(b, oy, ox, c).at == me) { s += in1[yi(b, oy, ox, c)]; }
    }
  }
  out0[u32(me)] = s;`,
  // MaxPoolGradGrad: each output takes the incoming gradient at its window's first maximum
  maxPoolGradGrad: `${coords(['b', 'oy', 'ox', 'c'], ['g_n()', 'g_oh()', 'g_ow()', 'g_c()'])}
  let w = window_max(b, oy, ox, c);
  out0[yi(b, oy, ox, c)] = select(0.0f, in1[u32(max(w.at, 0i))], w.at >= 0i);`,
  avgPool: `${coords(['b', 'oy', 'ox', 'c'], ['g_n()', 'g_oh()', 'g_ow()', 'g_c()'])}
  let y0 = max(0i, oy * g_sh() - g_pt()); let y1 = min(g_h(), oy * g_sh() - g_pt() + g_kh());
  let x0 = max(0i, ox * g_sw() - g_pl()); let x1 = min(g_w(), ox * g_sw() - g_pl() + g_kw());
  let inv = 1.0f / f32(max(0i, y1 - y0) * max(0i, x1 - x0));
  var s = 0.0f;
  for (var iy = y0; iy < y1; iy++) { for (var ix = x0; ix < x1; ix++) { s += in0[xi(b, iy, ix, c)] * inv; } }
  out0[yi(b, oy, ox, c)] = s;`,
  avgPoolGrad: `${coords(['b', 'iy', 'ix', 'c'], ['g_n()', 'g_h()', 'g_w()', 'g_c()'])}
  var s = 0.0f;
  for (var oy = 0i; oy < g_oh(); oy++) {
    let y0 = max(0i, oy * g_sh() - g_pt()); let y1 = min(g_h(), oy * g_sh() - g_pt() + g_kh());
    if (iy < y0 || iy >= y1) { continue; }
    for (var ox = 0i; ox < g_ow(); ox++) {
      let x0 = max(0i, ox * g_sw() - g_pl()); let x1 = min(g_w(), ox * g_sw() - g_pl() + g_kw());
      if (ix < x0 || ix >= x1) { continue; }
      s += in0[yi(b, oy, ox, c)] / f32((y1 - y0) * (x1 - x0));
    }
  }
  out0[xi(b, iy, ix, c)] = s;`,
};

/** The window's max value and the offset of its first maximum. */
const WINDOW_MAX = `
struct WinMax { v: f32, at: i32 }
fn window_max(b: i32, oy: i32, ox: i32, c: i32) -> WinMax {
  var best = -tg_inf(); var at = -1i;
  for (var iy = max(0i, oy * g_sh() - g_pt()); iy < min(g_h(), oy * g_sh() - g_pt() + g_kh()); iy++) {
    for (var ix = max(0i, ox * g_sw() - g_pl()); ix < min(g_w(), ox * g_sw() - g_pl() + g_kw()); ix++) {
      let v = in0[xi(b, iy, ix, c)];
      if (v > best || at < 0i) { best = v; at = i32(xi(b, iy, ix, c)); }
    }
  }
  return WinMax(best, at);
}`;

type Body = keyof typeof BODIES;

function launchWindow(gpu: KernelDevice, body: Body, inputs: readonly GpuTensor[], out: GpuTensor, threads: number, params: readonly number[]): void {
  if (threads === 0) return;
  const types: DType[] = inputs.map((t) => t.dtype);
  const extra = body.startsWith('maxPool') ? GEOM + WINDOW_MAX : GEOM;
  const source = (): string => shader(types, [out.dtype], params.length, `  if (gid >= P(0u)) { return; }\n${BODIES[body]}`, { extra });
  gpu.launch({ key: `window|${body}`, source, inputs, outputs: [out], params, workgroups: groups(threads) });
}

function alloc(a: GpuKernelArgs): GpuTensor {
  const o = a.outputs[0];
  return a.gpu.alloc(o.dtype, o.shape, `the output of '${a.ctx.opName}' (${a.ctx.opType})`);
}

function convKernel(kind: 'conv' | 'convInput' | 'convFilter' | 'depthwise' | 'depthwiseInput' | 'depthwiseFilter'): GpuKernel {
  return (a) => {
    const p = convParams(a.attrs as unknown as ConvAttrs | Conv2DAttrs, a.ctx.opType);
    const out = alloc(a);
    const forward = kind === 'conv' || kind === 'depthwise';
    const filterOut = kind === 'convFilter' || kind === 'depthwiseFilter';
    const x = forward || filterOut ? need(a, 0) : null;
    const f = forward ? need(a, 1) : filterOut ? null : need(a, 1);
    const dy = forward ? null : need(a, 2);
    const xShape = x ? x.shape : out.shape;
    const yShape = forward ? out.shape : dy!.shape;
    const fShape = f ? f.shape : out.shape;
    const ys = nhwcShape(yShape, p.format);
    const [kh, kw, f2, f3] = fShape;
    const g = geometry(nhwcShape(xShape, p.format), kh, kw, ys[1], ys[2], p);
    const depthwise = kind.startsWith('depthwise');
    // conv: channel split = filter's in-channels per group, and out channels; depthwise: the multiplier
    const params = geomParams(0, g, depthwise ? f3 : f2, depthwise ? g.c * f3 : f3, xShape, yShape, p.format);
    const threads = out.size;
    params[0] = threads;
    const inputs = forward ? [x!, f!] : filterOut ? [x!, dy!] : [f!, dy!];
    launchWindow(a.gpu, kind, inputs, out, threads, params);
    return [out];
  };
}

function poolKernel(kind: 'maxPool' | 'maxPoolGrad' | 'maxPoolGradGrad' | 'avgPool' | 'avgPoolGrad'): GpuKernel {
  return (a) => {
    const p = poolParams(a.attrs as unknown as PoolAttrs & AvgPoolAttrs, a.ctx.opType, kind.startsWith('max'));
    const out = alloc(a);
    // which tensor is on the x side (the pooled input) and which on the y side (the pooled output)
    const xShape = kind === 'maxPool' || kind === 'avgPool' || kind === 'maxPoolGradGrad' ? need(a, 0).shape : out.shape;
    const yShape = kind === 'avgPoolGrad' ? need(a, 1).shape : kind === 'maxPoolGrad' ? need(a, 2).shape : out.shape;
    const g = poolGeometry(xShape, yShape, p);
    const params = geomParams(out.size, g, 1, g.c, xShape, yShape, dataFormatOf((a.attrs as unknown as AvgPoolAttrs).data_format));
    const inputs = kind === 'maxPoolGrad' || kind === 'maxPoolGradGrad' ? [need(a, 0), need(a, 2)] : kind === 'avgPoolGrad' ? [need(a, 1)] : [need(a, 0)];
    launchWindow(a.gpu, kind, inputs, out, out.size, params);
    return [out];
  };
}

/** The conv and pool families' WebGPU kernels (direct: a thread per written element). */
export const CONV_GPU_KERNELS = {
  Conv2D: convKernel('conv'),
  Conv2DBackpropInput: convKernel('convInput'),
  Conv2DBackpropFilter: convKernel('convFilter'),
  DepthwiseConv2dNative: convKernel('depthwise'),
  DepthwiseConv2dNativeBackpropInput: convKernel('depthwiseInput'),
  DepthwiseConv2dNativeBackpropFilter: convKernel('depthwiseFilter'),
  MaxPool: poolKernel('maxPool'),
  MaxPoolGrad: poolKernel('maxPoolGrad'),
  MaxPoolGradGrad: poolKernel('maxPoolGradGrad'),
  AvgPool: poolKernel('avgPool'),
  AvgPoolGrad: poolKernel('avgPoolGrad'),
};
