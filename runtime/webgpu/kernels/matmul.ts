import { AttrMap, InvalidArgumentError, formatShape, sizeOf, stridesOf } from '../../../graph/ir/index.js';
import type { ScalarExpr } from '../../../ops/elementwise/scalar_expr.js';
import { exprKey } from '../../../ops/elementwise/scalar_expr.js';
import type { KernelDevice } from '../kernel_device.js';
import type { GpuTensor } from '../gpu_tensor.js';
import { broadcastIndexing } from './elementwise.js';
import { gemmConfigFor } from './gemm_config.js';
import { gemmSource, GemmLayout } from './gemm_wgsl.js';
import type { GpuKernel } from './kernel.js';
import { need } from './kernel.js';

/** An elementwise expression applied to the product in the same launch (arg 0: the product). */
export interface Epilogue {
  readonly expr: ScalarExpr;
  readonly extra: readonly GpuTensor[];
}

/**
 * C = op(A) · op(B), batched with broadcast batch dims, into `out`: tiled and register-blocked
 * (gemm_wgsl.ts), the tile shape chosen per shape class (gemm_config.ts), vec4 loads and stores
 * where K and N allow and a scalar path elsewhere, transposes folded into the panel loads. An
 * epilogue expression (fused BiasAdd, activation, ...) is applied before the store.
 */
export function matMulInto(gpu: KernelDevice, a: GpuTensor, b: GpuTensor, out: GpuTensor, attrs: AttrMap, epilogue?: Epilogue): void {
  const ta = attrs.transpose_a === true || attrs.adj_x === true;
  const tb = attrs.transpose_b === true || attrs.adj_y === true;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [aRows, aCols] = [a.shape[ra - 2], a.shape[ra - 1]];
  const [bRows, bCols] = [b.shape[rb - 2], b.shape[rb - 1]];
  const m = ta ? aCols : aRows;
  const k = ta ? aRows : aCols;
  const n = tb ? bRows : bCols;
  if ((tb ? bCols : bRows) !== k) throw new InvalidArgumentError(`Matrix size-incompatible: In[0]: ${formatShape(a.shape)}, In[1]: ${formatShape(b.shape)}`);
  const batchShape = out.shape.slice(0, -2);
  const nBatch = sizeOf(batchShape);
  if (out.size === 0) return;
  const stridesFor = (sh: readonly number[]): number[] => {
    const own = stridesOf(sh);
    const lead = batchShape.length - sh.length;
    return batchShape.map((_d, i) => (i < lead || sh[i - lead] === 1 ? 0 : own[i - lead]));
  };
  const sa = stridesFor(a.shape.slice(0, -2));
  const sb = stridesFor(b.shape.slice(0, -2));
  const so = stridesOf(batchShape);
  const br = batchShape.length;
  const cfg = gemmConfigFor(m, n, nBatch);
  const tilesM = Math.ceil(m / (cfg.ty * cfg.rows));
  const tilesN = Math.ceil(n / (cfg.tx * cfg.cols));
  const extra = epilogue?.extra ?? [];
  const bx = broadcastIndexing(extra.map((x) => x.shape), out.shape);
  const params = [m, n, k, tilesN, tilesM, nBatch, br, ...so, ...sa, ...sb, ...bx.params];
  const layout: GemmLayout = { cfg, ta, tb, aVec: !ta && k % 4 === 0, bVec: !tb && n % 4 === 0, cVec: n % 4 === 0 && out.dtype === a.dtype, dtype: a.dtype, outDType: out.dtype, br };
  const flags = [layout.ta, layout.tb, layout.aVec, layout.bVec, layout.cVec].map((f) => (f ? 1 : 0)).join('');
  const epi = epilogue ? { expr: epilogue.expr, extra: extra.map((x) => x.dtype), bx } : null;
  const key = `gemm|${cfg.name}|${flags}|${a.dtype}|${out.dtype}|${br}|${epi ? `${exprKey(epi.expr)}|${epi.extra.join(',')}|${bx.key}` : ''}`;
  gpu.launch({ key, source: () => gemmSource(layout, epi), inputs: [a, b, ...extra], outputs: [out], params, workgroups: tilesM * tilesN * nBatch });
}

function matMulKernel(): GpuKernel {
  return (x) => {
    const o = x.outputs[0];
    const out = x.gpu.alloc(o.dtype, o.shape, `the output of '${x.ctx.opName}' (${x.ctx.opType})`);
    matMulInto(x.gpu, need(x, 0), need(x, 1), out, x.attrs);
    return [out];
  };
}

/** The matmul family's WebGPU kernels. */
export const MATMUL_GPU_KERNELS = {
  MatMul: matMulKernel(),
  BatchMatMulV2: matMulKernel(),
};
