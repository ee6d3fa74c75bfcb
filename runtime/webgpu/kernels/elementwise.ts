import { DType } from '../../../graph/ir/index.js';
import type { ScalarExpr } from '../../../ops/elementwise/scalar_expr.js';
import { exprKey } from '../../../ops/elementwise/scalar_expr.js';
import type { KernelDevice } from '../kernel_device.js';
import type { GpuTensor } from '../gpu_tensor.js';
import { renderWgsl, wgslCast } from '../render_wgsl.js';
import { groups, load, shader, store } from './shader.js';
import { broadcastStrides, collapse } from '../../broadcast_layout.js';

/** How each input of a broadcast is read: one value ('s'), at the thread's index ('c'), by strides ('b'). */
export interface BroadcastIndexing {
  readonly kinds: readonly ('s' | 'c' | 'b')[];
  /** Parameter words: the collapsed shape, then each strided input's strides. */
  readonly params: readonly number[];
  /** WGSL lines defining `o<i>` (the element offset of each strided input) from flat index `idx`. */
  lines(idx: string, firstParam: number): string[];
  /** The WGSL index expression of input i (after `lines`). */
  index(i: number, idx: string): string;
  /** A cache-key fragment: collapsed rank and kinds. */
  readonly key: string;
}

/** Broadcast indexing of `inputs` over `outShape`, dims collapsed where every operand allows. */
export function broadcastIndexing(inShapes: readonly (readonly number[])[], outShape: readonly number[]): BroadcastIndexing {
  const { shape, strides } = collapse(outShape, inShapes.map((s) => broadcastStrides(s, outShape)));
  const rank = shape.length;
  const contiguous = strides.map((s) => s.every((v, d) => v === (d === rank - 1 ? 1 : s[d + 1] * shape[d + 1])));
  const scalar = strides.map((s) => s.every((v) => v === 0));
  const kinds = inShapes.map((_x, i) => (scalar[i] ? 's' : contiguous[i] ? 'c' : 'b') as 's' | 'c' | 'b');
  const strided = kinds.map((_k, i) => i).filter((i) => kinds[i] === 'b');
  const params = [...shape];
  for (const i of strided) params.push(...strides[i]);
  return {
    kinds,
    params,
    key: `${rank}:${kinds.join('')}`,
    lines(idx, first) {
      const out: string[] = [];
      if (strided.length === 0) return out;
      out.push(`  var rem = ${idx};`);
      for (let d = rank - 1; d >= 0; d--) {
        out.push(`  let c${d} = rem % P(${first + d}u);`);
        if (d > 0) out.push(`  rem = rem / P(${first + d}u);`);
      }
      strided.forEach((i, k) => {
        const base = first + rank + k * rank;
        out.push(`  let o${i} = ${Array.from({ length: rank }, (_v, d) => `c${d} * P(${base + d}u)`).join(' + ')};`);
      });
      return out;
    },
    index(i, idx) {
      return kinds[i] === 's' ? '0u' : kinds[i] === 'c' ? idx : `o${i}`;
    },
  };
}

/**
 * One generated kernel per (expression, dtypes, collapsed rank, how each input is read): a thread
 * per output element; parameter words: the size, then the broadcast indexing's.
 */
export function runElementwiseGpu(gpu: KernelDevice, expr: ScalarExpr, inputs: readonly GpuTensor[], outDType: DType, outShape: readonly number[], out: GpuTensor): GpuTensor {
  const n = out.size;
  if (n === 0) return out;
  const bx = broadcastIndexing(inputs.map((x) => x.shape), outShape);
  const inTypes = inputs.map((x) => x.dtype);
  const key = `ew|${exprKey(expr)}|${inTypes.join(',')}|${outDType}|${bx.key}`;
  const params: number[] = [n, ...bx.params];
  const source = (): string => {
    const body: string[] = [`  if (gid >= P(0u)) { return; }`, ...bx.lines('gid', 1)];
    inputs.forEach((x, i) => body.push(`  let v${i} = ${load(x.dtype, `in${i}[${bx.index(i, 'gid')}]`)};`));
    const r = renderWgsl(expr, inTypes, inputs.map((_x, i) => `v${i}`));
    body.push(...r.lines.map((l) => '  ' + l));
    body.push(`  out0[gid] = ${store(outDType, wgslCast(outDType, r.result, r.dtype))};`);
    return shader(inTypes, [outDType], params.length, body.join('\n'));
  };
  gpu.launch({ key, source, inputs, outputs: [out], params, workgroups: groups(n) });
  return out;
}
