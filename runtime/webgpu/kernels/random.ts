import { streamKey } from '../../random/stream_key.js';
import type { RandomAttrs } from '../../../ops/random/random_ops.js';
import type { GpuKernel } from './kernel.js';
import { hostValue } from './kernel.js';
import { scalarOf } from '../../../ops/kernel_util.js';
import { groups, shader } from './shader.js';

/**
 * Philox4x32-10 in WGSL, the same generator as the CPU's (`ops/random/philox.ts`): element i of
 * the k-th run of an op is lane i % 4 of the block with counter (i / 4, k, attempt, 0) under the
 * op's key, so each thread computes its own element and the numbers equal the CPU's. The high
 * half of a 32×32 product comes from 16-bit halves, as on the CPU (WGSL has no 64-bit integers).
 */
const PHILOX = `
fn tg_mulhi(a: u32, b: u32) -> u32 {
  let al = a & 0xffffu; let ah = a >> 16u; let bl = b & 0xffffu; let bh = b >> 16u;
  let lh = al * bh; let hl = ah * bl;
  let carry = (((al * bl) >> 16u) + (lh & 0xffffu) + (hl & 0xffffu)) >> 16u;
  return ah * bh + (lh >> 16u) + (hl >> 16u) + carry;
}
fn tg_philox(c: vec4<u32>, k: vec2<u32>) -> vec4<u32> {
  var x = c; var key = k;
  for (var r = 0u; r < 10u; r++) {
    if (r > 0u) { key = key + vec2<u32>(0x9e3779b9u, 0xbb67ae85u); }
    let hi0 = tg_mulhi(0xd2511f53u, x.x); let lo0 = 0xd2511f53u * x.x;
    let hi1 = tg_mulhi(0xcd9e8d57u, x.z); let lo1 = 0xcd9e8d57u * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ key.x, lo1, hi0 ^ x.w ^ key.y, lo0);
  }
  return x;
}
fn tg_unit(x: u32) -> f32 { return f32(x & 0x7fffffu) * 1.1920928955078125e-7f; }
fn tg_block(i: u32, attempt: u32) -> vec4<u32> { return tg_philox(vec4<u32>(i / 4u, P(1u), attempt, 0u), vec2<u32>(P(2u), P(3u))); }
fn tg_normal(w: vec4<u32>, lane: u32) -> f32 {
  let p = lane & 2u;
  let u1 = max(tg_unit(w[p]), 1e-7f);
  let v1 = 6.283185307179586f * tg_unit(w[p + 1u]);
  let r = sqrt(-2.0f * log(u1));
  return select(cos(v1) * r, sin(v1) * r, (lane & 1u) == 0u);
}`;

type Kind = 'uniform' | 'normal' | 'truncated' | 'int';

const BODY: Record<Kind, string> = {
  uniform: '  out0[gid] = tg_unit(tg_block(gid, 0u)[gid % 4u]);',
  normal: '  out0[gid] = tg_normal(tg_block(gid, 0u), gid % 4u);',
  // a draw at or beyond 2 standard deviations is redrawn from the blocks with attempt 1, 2, ...
  truncated: `  var v = tg_normal(tg_block(gid, 0u), gid % 4u);
  for (var t = 1u; t < 256u && !(abs(v) < 2.0f); t++) { v = tg_normal(tg_block(gid, t), gid % 4u); }
  out0[gid] = v;`,
  // TF's RandomUniformInt: lo + (bits mod (hi - lo)), the range as an unsigned 32-bit value
  int: '  out0[gid] = PI(4u) + bitcast<i32>(tg_block(gid, 0u)[gid % 4u] % P(5u));',
};

function randomKernel(kind: Kind): GpuKernel {
  return (a) => {
    const o = a.outputs[0];
    const out = a.gpu.alloc(o.dtype, o.shape, `the output of '${a.ctx.opName}'`);
    if (out.size === 0) return [out];
    const key = streamKey(a.attrs as unknown as RandomAttrs, a.ctx);
    const params = [out.size, key.run >>> 0, key.k0 >>> 0, key.k1 >>> 0];
    if (kind === 'int') {
      // minval and maxval are host-memory inputs
      const lo = scalarOf(hostValue(a, 1), 'minval');
      const hi = scalarOf(hostValue(a, 2), 'maxval');
      params.push(lo | 0, (hi - lo) >>> 0);
    }
    const source = (): string => shader([], [o.dtype], params.length, `  if (gid >= P(0u)) { return; }\n${BODY[kind]}`, { extra: PHILOX });
    a.gpu.launch({ key: `random|${kind}|${o.dtype}`, source, inputs: [], outputs: [out], params, workgroups: groups(out.size) });
    return [out];
  };
}

/** The random family's WebGPU kernels: the CPU's numbers (normals within float32 rounding of them). */
export const RANDOM_GPU_KERNELS = {
  RandomUniform: randomKernel('uniform'),
  RandomStandardNormal: randomKernel('normal'),
  TruncatedNormal: randomKernel('truncated'),
  RandomUniformInt: randomKernel('int'),
};
