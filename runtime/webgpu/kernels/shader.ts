import type { DType } from '../../../graph/ir/index.js';
import { WGSL_HELPERS } from '../render_wgsl.js';
import { wgslStorageType } from '../wgsl_types.js';

/** Threads per workgroup of the one-thread-per-element kernels. */
export const WG = 256;

/**
 * The frame of a generated shader: storage bindings `in0..` (read) and `out0..` (read_write) in
 * launch order, the parameter words as `P(i)`, the scalar helpers, and `main` with the flat thread
 * index `gid` (workgroups spread over x and y, see GpuContext.launch). Only dtypes from the fixed
 * table and integers reach the text; `body` and `extra` are written by this folder's kernels.
 */
export function shader(inTypes: readonly DType[], outTypes: readonly DType[], paramWords: number, body: string, opts: { workgroup?: number; extra?: string; vec4?: ReadonlySet<number> } = {}): string {
  const wg = opts.workgroup ?? WG;
  const lines: string[] = [];
  let b = 0;
  // bindings in `vec4` (by binding number) are read and written four words at a time
  const elem = (d: DType, binding: number): string => (opts.vec4?.has(binding) ? `vec4<${wgslStorageType(d)}>` : wgslStorageType(d));
  inTypes.forEach((d, i) => lines.push(`@group(0) @binding(${b}) var<storage, read> in${i}: array<${elem(d, b++)}>;`));
  outTypes.forEach((d, i) => lines.push(`@group(0) @binding(${b}) var<storage, read_write> out${i}: array<${elem(d, b++)}>;`));
  const vec4s = Math.max(1, Math.ceil(paramWords / 4));
  lines.push(`@group(0) @binding(${b}) var<uniform> params: array<vec4<u32>, ${vec4s}>;`);
  lines.push('fn P(i: u32) -> u32 { return params[i / 4u][i % 4u]; }');
  lines.push('fn PI(i: u32) -> i32 { return bitcast<i32>(P(i)); }');
  lines.push('fn PF(i: u32) -> f32 { return bitcast<f32>(P(i)); }');
  lines.push(WGSL_HELPERS);
  if (opts.extra) lines.push(opts.extra);
  lines.push(`@compute @workgroup_size(${wg})`);
  lines.push('fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {');
  lines.push(`  let gid = (wid.y * nwg.x + wid.x) * ${wg}u + lid;`);
  // every binding is used, so the pipeline's 'auto' layout keeps it (a launch binds them all)
  inTypes.forEach((_d, i) => lines.push(`  _ = arrayLength(&in${i});`));
  outTypes.forEach((_d, i) => lines.push(`  _ = arrayLength(&out${i});`));
  lines.push(body);
  lines.push('}');
  return lines.join('\n');
}

/** A stored element of dtype `d` as a WGSL value (bool words become bool). */
export function load(d: DType, ref: string): string {
  return d === 'bool' ? `(${ref} != 0u)` : ref;
}

/** A WGSL value of dtype `d` as its stored word. */
export function store(d: DType, value: string): string {
  return d === 'bool' ? `select(0u, 1u, ${value})` : value;
}

/** A float's bits as a parameter word (read back in WGSL with PF). */
export function f32Bits(v: number): number {
  const f = new Float32Array([v]);
  return new Uint32Array(f.buffer)[0];
}

export function groups(n: number, wg = WG): number {
  return Math.ceil(n / wg);
}
