import { DType, InvalidArgumentError, NDArray, normalizeAxis, stridesOf } from '../../../graph/ir/index.js';
import { reductionAxes } from '../../../ops/reduce/reduce_ops.js';
import type { KernelDevice } from '../kernel_device.js';
import type { GpuTensor } from '../gpu_tensor.js';
import type { GpuKernel } from './kernel.js';
import { hostValue, need } from './kernel.js';
import { groups, load, shader, store } from './shader.js';

/** Below this many elements per output, a thread per output instead of a workgroup per output. */
const SERIAL_BELOW = 64;

export type GpuReduceKind = 'sum' | 'mean' | 'max' | 'min' | 'prod' | 'sumsq';

/** Dims as (size, stride, reduced), unit dims dropped, neighbours of one kind merged when contiguous. */
function runs(shape: readonly number[], reduced: ReadonlySet<number>): { kept: [number, number][]; red: [number, number][] } {
  const st = stridesOf(shape);
  const kept: [number, number][] = [];
  const red: [number, number][] = [];
  let last: boolean | null = null;
  shape.forEach((d, i) => {
    if (d === 1) return;
    const r = reduced.has(i);
    const list = r ? red : kept;
    const prev = list[list.length - 1];
    if (last === r && prev && prev[1] === st[i] * d) prev[0] *= d, (prev[1] = st[i]);
    else list.push([d, st[i]]);
    last = r;
  });
  return { kept, red };
}

/**
 * Reduces `x` over `axes` into `out` (keep_dims does not change the element order). A workgroup per
 * output element: its 256 threads stride over the reduced elements, then fold their partials in a
 * shared-memory tree; when each output folds only a few elements, a thread per output instead. Floats accumulate in f32 (the CPU folds in float64: sums agree to float32
 * tolerance); int sums wrap like TF's. Parameter words: the kept and reduced dims' sizes and strides.
 */
export function reduceInto(gpu: KernelDevice, x: GpuTensor, axes: readonly number[], kind: GpuReduceKind, out: GpuTensor): void {
  if (out.size === 0) return;
  const { kept, red } = runs(x.shape, new Set(axes));
  let count = 1;
  for (const [d] of red) count *= d;
  const params = [out.size, count, ...kept.map((k) => k[0]), ...kept.map((k) => k[1]), ...red.map((r) => r[0]), ...red.map((r) => r[1])];
  const dtype: DType = x.dtype;
  const isF = dtype === 'float32';
  // few elements per output: a thread per output folds them serially (a workgroup each would idle)
  const serial = count < SERIAL_BELOW;
  const key = `reduce|${kind}|${dtype}|${out.dtype}|${kept.length}|${red.length}|${serial}`;
  const source = (): string => {
    const vt = isF ? 'f32' : 'i32';
    const init = { sum: isF ? '0.0f' : '0i', mean: isF ? '0.0f' : '0i', sumsq: '0.0f', prod: isF ? '1.0f' : '1i', max: isF ? '(-tg_inf())' : '(-2147483647i - 1i)', min: isF ? 'tg_inf()' : '2147483647i' }[kind];
    const fold = (a: string, b: string): string =>
      kind === 'max' ? (isF ? `tg_max_f(${a}, ${b})` : `max(${a}, ${b})`) : kind === 'min' ? (isF ? `tg_min_f(${a}, ${b})` : `min(${a}, ${b})`) : kind === 'prod' ? `${a} * ${b}` : `${a} + ${b}`;
    const kr = kept.length;
    const rr = red.length;
    const pk = 2;
    const pr = 2 + 2 * kr;
    const baseTerms = kr === 0 ? '0u' : Array.from({ length: kr }, (_v, d) => `kc${d} * P(${pk + kr + d}u)`).join(' + ');
    const keptLines = Array.from({ length: kr }, (_v, i) => kr - 1 - i).map((d) => `  let kc${d} = kr % P(${pk + d}u); kr = kr / P(${pk + d}u);`);
    const redTerms = rr === 0 ? '0u' : Array.from({ length: rr }, (_v, d) => `rc${d} * P(${pr + rr + d}u)`).join(' + ');
    const redLines = Array.from({ length: rr }, (_v, i) => rr - 1 - i).map((d) => `    let rc${d} = rm % P(${pr + d}u); rm = rm / P(${pr + d}u);`);
    const sq = kind === 'sumsq' ? 'v * v' : 'v';
    const finish = `
    ${kind === 'mean' ? (isF ? 'res = res / f32(P(1u));' : 'res = tg_floordiv_i(res, i32(P(1u)));') : ''}
    ${kind === 'sumsq' ? 'res = res * 0.5f;' : ''}
    out0[o] = ${store(out.dtype, 'res')};`;
    if (serial) {
      return shader([dtype], [out.dtype], params.length, `
  let o = gid;
  if (o >= P(0u)) { return; }
  var kr = o;
${keptLines.join('\n')}
  let base = ${baseTerms};
  var acc: ${vt} = ${init};
  for (var r = 0u; r < P(1u); r++) {
    var rm = r;
${redLines.join('\n')}
    let v = ${load(dtype, `in0[base + ${redTerms}]`)};
    acc = ${fold('acc', sq)};
  }
  var res = acc;${finish}`);
    }
    const body = `
  let o = wid.y * nwg.x + wid.x;
  if (o >= P(0u)) { return; }
  var kr = o;
${keptLines.join('\n')}
  let base = ${baseTerms};
  var acc: ${vt} = ${init};
  for (var r = lid; r < P(1u); r += 256u) {
    var rm = r;
${redLines.join('\n')}
    let v = ${load(dtype, `in0[base + ${redTerms}]`)};
    acc = ${fold('acc', sq)};
  }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s / 2u) {
    if (lid < s) { part[lid] = ${fold('part[lid]', 'part[lid + s]')}; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    var res = part[0];${finish}
  }`;
    return shader([dtype], [out.dtype], params.length, body, { extra: `var<workgroup> part: array<${vt}, 256>;` });
  };
  // tree: one workgroup per output element (the flat workgroup index is the output index)
  gpu.launch({ key, source, inputs: [x], outputs: [out], params, workgroups: serial ? groups(out.size) : out.size });
}

function reduceKernel(kind: GpuReduceKind): GpuKernel {
  return (a) => {
    const x = need(a, 0);
    const o = a.outputs[0];
    const out = a.gpu.alloc(o.dtype, o.shape, `the output of '${a.ctx.opName}'`);
    reduceInto(a.gpu, x, reductionAxes(hostValue(a, 1), x.shape.length), kind, out);
    return [out];
  };
}

/** ArgMax/ArgMin along one axis: a thread per output, first index of the extreme (NaN wins, as on the CPU). */
function argKernel(wantMax: boolean): GpuKernel {
  return (a) => {
    const x = need(a, 0);
    const dim = hostValue(a, 1) as NDArray;
    const axis = normalizeAxis(dim.data[0], x.shape.length, a.ctx.opType);
    const len = x.shape[axis];
    if (len === 0) throw new InvalidArgumentError(`Reduction axis ${axis} is empty in shape [${x.shape.join(',')}]`);
    let inner = 1;
    for (const d of x.shape.slice(axis + 1)) inner *= d;
    const o = a.outputs[0];
    const out = a.gpu.alloc(o.dtype, o.shape, `the output of '${a.ctx.opName}'`);
    const params = [out.size, len, inner];
    const cmp = wantMax ? '>' : '<';
    const isF = x.dtype === 'float32';
    const key = `arg|${wantMax}|${x.dtype}`;
    const source = (): string =>
      shader([x.dtype], [o.dtype], params.length, `
  if (gid >= P(0u)) { return; }
  let len = P(1u); let inner = P(2u);
  let base = (gid / inner) * len * inner + gid % inner;
  var best = ${load(x.dtype, 'in0[base]')}; var bi = 0i;
  for (var j = 1u; j < len; j++) {
    let v = ${load(x.dtype, 'in0[base + j * inner]')};
    if (${isF ? '!tg_isnan(best) && (tg_isnan(v) || ' : '('}v ${cmp} best)) { best = v; bi = i32(j); }
  }
  out0[gid] = bi;`);
    a.gpu.launch({ key, source, inputs: [x], outputs: [out], params, workgroups: groups(out.size) });
    return [out];
  };
}

/** The reduce family's WebGPU kernels. */
export const REDUCE_GPU_KERNELS = {
  Sum: reduceKernel('sum'),
  Mean: reduceKernel('mean'),
  Max: reduceKernel('max'),
  Min: reduceKernel('min'),
  Prod: reduceKernel('prod'),
  ArgMax: argKernel(true),
  ArgMin: argKernel(false),
  L2Loss: ((a) => {
    const x = need(a, 0);
    const out = a.gpu.alloc('float32', [], `the output of '${a.ctx.opName}'`);
    reduceInto(a.gpu, x, x.shape.map((_d, i) => i), 'sumsq', out);
    return [out];
  }) as GpuKernel,
};
