import { AttrMap, InvalidArgumentError, formatShape, sizeOf, stridesOf } from '../../../graph/ir/index.js';
import type { ScalarExpr } from '../../../ops/elementwise/scalar_expr.js';
import { exprKey } from '../../../ops/elementwise/scalar_expr.js';
import type { KernelDevice } from '../kernel_device.js';
import type { GpuTensor } from '../gpu_tensor.js';
import { renderWgsl, wgslCast } from '../render_wgsl.js';
import { broadcastIndexing } from './elementwise.js';
import type { GpuKernel } from './kernel.js';
import { need } from './kernel.js';
import { load, shader, store } from './shader.js';

/** Output tile per workgroup (TILE × TILE), K step per shared-memory load, outputs per thread (REG²). */
const TILE = 64;
const TK = 16;
const REG = 4;
const THREADS = (TILE / REG) * (TILE / REG);

/** An elementwise expression applied to the product in the same launch (arg 0: the product). */
export interface Epilogue {
  readonly expr: ScalarExpr;
  readonly extra: readonly GpuTensor[];
}

/**
 * C = op(A) · op(B), batched with broadcast batch dims, into `out`. Tiled: each workgroup of 256
 * threads computes a 64×64 tile of C, staging 64×16 panels of A and 16×64 panels of B in workgroup
 * memory; each thread accumulates a 4×4 register block (rows ty+16i, columns tx+16j, so a warp's
 * reads of the B panel are consecutive and of the A panel a broadcast). Transposes are folded into
 * the panel loads (the load order follows the operand's contiguous dim). An epilogue expression
 * (fused BiasAdd, activation, ...) is applied before the store.
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
  const stridesFor = (s: readonly number[]): number[] => {
    const own = stridesOf(s);
    const lead = batchShape.length - s.length;
    return batchShape.map((_d, i) => (i < lead || s[i - lead] === 1 ? 0 : own[i - lead]));
  };
  const sa = stridesFor(a.shape.slice(0, -2));
  const sb = stridesFor(b.shape.slice(0, -2));
  const so = stridesOf(batchShape);
  const br = batchShape.length;
  const tilesM = Math.ceil(m / TILE);
  const tilesN = Math.ceil(n / TILE);
  const extra = epilogue?.extra ?? [];
  const bx = broadcastIndexing(extra.map((x) => x.shape), out.shape);
  const firstEpi = 6 + 3 * br;
  const params = [m, n, k, tilesN, tilesM, br, ...so, ...sa, ...sb, ...bx.params];
  const dtype = out.dtype;
  const key = `gemm|${ta ? 1 : 0}${tb ? 1 : 0}|${a.dtype}|${br}|${epilogue ? `${exprKey(epilogue.expr)}|${extra.map((x) => x.dtype).join(',')}|${bx.key}` : ''}`;
  const source = (): string => {
    const zero = dtype === 'float32' ? '0.0f' : '0i';
    const vt = dtype === 'float32' ? 'f32' : 'i32';
    const aIdx = ta ? 'gk * M + gm' : 'gm * K + gk';
    const bIdx = tb ? 'gn * K + gk' : 'gk * N + gn';
    // consecutive threads load along the operand's contiguous dim
    const aLoad = ta ? `let mm = e % ${TILE}u; let kk = e / ${TILE}u;` : `let mm = e / ${TK}u; let kk = e % ${TK}u;`;
    const bLoad = tb ? `let kk = e % ${TK}u; let nn = e / ${TK}u;` : `let kk = e / ${TILE}u; let nn = e % ${TILE}u;`;
    const loads = (TILE * TK) / THREADS;
    const epiLines: string[] = [];
    let result = 'acc[i * 4u + j]';
    if (epilogue) {
      epiLines.push(...bx.lines('idx', firstEpi).map((l) => '      ' + l.trim()));
      extra.forEach((x, i) => epiLines.push(`      let v${i + 1} = ${load(x.dtype, `in${i + 2}[${bx.index(i, 'idx')}]`)};`));
      const r = renderWgsl(epilogue.expr, [dtype, ...extra.map((x) => x.dtype)], ['v0', ...extra.map((_x, i) => `v${i + 1}`)]);
      epiLines.splice(0, 0, `      let v0 = acc[i * 4u + j];`);
      epiLines.push(...r.lines.map((l) => '      ' + l));
      result = wgslCast(dtype, r.result, r.dtype);
    }
    const body = `
  let M = P(0u); let N = P(1u); let K = P(2u); let tilesN = P(3u); let tilesM = P(4u);
  let wgi = wid.y * nwg.x + wid.x;
  let batch = wgi / (tilesN * tilesM);
  let t = wgi % (tilesN * tilesM);
  let tm = t / tilesN; let tn = t % tilesN;
  let tx = lid % ${TILE / REG}u; let ty = lid / ${TILE / REG}u;
  var aBase = 0u; var bBase = 0u; var rb = batch;
  for (var d = 0u; d < ${br}u; d++) {
    let c = rb / P(6u + d); rb = rb % P(6u + d);
    aBase += c * P(6u + ${br}u + d); bBase += c * P(6u + ${2 * br}u + d);
  }
  aBase *= M * K; bBase *= K * N;
  var acc: array<${vt}, ${REG * REG}>;
  for (var i = 0u; i < ${REG * REG}u; i++) { acc[i] = ${zero}; }
  for (var k0 = 0u; k0 < K; k0 += ${TK}u) {
    for (var l = 0u; l < ${loads}u; l++) {
      let e = lid + l * ${THREADS}u;
      { ${aLoad}
        let gm = tm * ${TILE}u + mm; let gk = k0 + kk;
        var v = ${zero};
        if (gm < M && gk < K) { v = in0[aBase + ${aIdx}]; }
        As[kk * ${TILE}u + mm] = v; }
      { ${bLoad}
        let gn = tn * ${TILE}u + nn; let gk = k0 + kk;
        var v = ${zero};
        if (gn < N && gk < K) { v = in1[bBase + ${bIdx}]; }
        Bs[kk * ${TILE}u + nn] = v; }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${TK}u; kk++) {
      var av: array<${vt}, ${REG}>; var bv: array<${vt}, ${REG}>;
      for (var i = 0u; i < ${REG}u; i++) { av[i] = As[kk * ${TILE}u + ty + i * ${TILE / REG}u]; bv[i] = Bs[kk * ${TILE}u + tx + i * ${TILE / REG}u]; }
      for (var i = 0u; i < ${REG}u; i++) { for (var j = 0u; j < ${REG}u; j++) { acc[i * ${REG}u + j] += av[i] * bv[j]; } }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${REG}u; i++) {
    let gm = tm * ${TILE}u + ty + i * ${TILE / REG}u;
    if (gm >= M) { continue; }
    for (var j = 0u; j < ${REG}u; j++) {
      let gn = tn * ${TILE}u + tx + j * ${TILE / REG}u;
      if (gn >= N) { continue; }
      let idx = batch * M * N + gm * N + gn;
${epiLines.join('\n')}
      out0[idx] = ${store(dtype, result)};
    }
  }`;
    const shared = `var<workgroup> As: array<${vt}, ${TILE * TK}>;\nvar<workgroup> Bs: array<${vt}, ${TILE * TK}>;`;
    return shader([a.dtype, b.dtype, ...extra.map((x) => x.dtype)], [dtype], params.length, body, { workgroup: THREADS, extra: shared });
  };
  gpu.launch({ key, source, inputs: [a, b, ...extra], outputs: [out], params, workgroups: tilesM * tilesN * nBatch });
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
