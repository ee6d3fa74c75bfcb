import type { DType } from '../../../graph/ir/index.js';
import type { ScalarExpr } from '../../../ops/elementwise/scalar_expr.js';
import { renderWgsl, wgslCast } from '../render_wgsl.js';
import { wgslStorageType } from '../wgsl_types.js';
import type { BroadcastIndexing } from './elementwise.js';
import type { GemmConfig } from './gemm_config.js';
import { load, shader, store } from './shader.js';

/** Everything the gemm's WGSL depends on (its cache key is made of these). */
export interface GemmLayout {
  readonly cfg: GemmConfig;
  /** Operands read transposed (the transpose folded into the panel loads). */
  readonly ta: boolean;
  readonly tb: boolean;
  /** A read four K-elements at a time (A not transposed, K % 4 = 0). */
  readonly aVec: boolean;
  /** B read four N-elements at a time (B not transposed, N % 4 = 0). */
  readonly bVec: boolean;
  /** C written four columns at a time (N % 4 = 0, C of the operands' dtype). */
  readonly cVec: boolean;
  /** The operands' (and accumulators') dtype: float32 or int32. */
  readonly dtype: DType;
  readonly outDType: DType;
  /** Batch rank (broadcast batch dims). */
  readonly br: number;
}

/** An epilogue rendered into the store: the expression, its extra operands' dtypes, their indexing. */
export interface GemmEpilogueCode {
  readonly expr: ScalarExpr;
  readonly extra: readonly DType[];
  readonly bx: BroadcastIndexing;
}

/** Parameter words before the batch strides: M, N, K, tilesN, tilesM, batches, batch rank. */
export const GEMM_FIXED_PARAMS = 7;

/**
 * The gemm's WGSL. Workgroup `wgi` computes tile (tm, tn) of matrix `batch`; thread (tr, tc)
 * accumulates rows tr·R .. tr·R+R-1 and columns tc·C .. tc·C+C-1 of the tile (C = 4 or 8) as
 * R·C/4 vec4s. Each K step
 * stages a TM×TK panel of A (As, vec4 along K) and a TK×TN panel of B (Bs, vec4 along N) in
 * workgroup memory; consecutive threads load along each operand's contiguous dim (a transpose
 * changes which), four words at a time where the layout allows, zero-filled past the edges.
 */
export function gemmSource(l: GemmLayout, epi: GemmEpilogueCode | null): string {
  const { rows: R, cols, tx: TX, ty: TY, tk: TK } = l.cfg;
  const C4 = cols / 4;
  const TM = TY * R;
  const TN = TX * cols;
  // vec4s per row of the B panel
  const TN4 = TX * C4;
  const TK4 = TK / 4;
  const threads = TX * TY;
  const s = wgslStorageType(l.dtype);
  const v4 = `vec4<${s}>`;
  const zero = l.dtype === 'float32' ? '0.0f' : '0i';
  const br = l.br;
  const P0 = GEMM_FIXED_PARAMS;
  const aLoad = l.aVec
    ? `for (var e = lid; e < ${TM * TK4}u; e += ${threads}u) {
      let r = e / ${TK4}u; let gm = tm * ${TM}u + r; let gk = k0 + (e % ${TK4}u) * 4u;
      var v = ${v4}(${zero});
      if (gm < M && gk < K) { v = in0[(aBase + gm * K + gk) / 4u]; }
      As[e] = v;
    }`
    : `for (var e = lid; e < ${TM * TK}u; e += ${threads}u) {
      ${l.ta ? `let r = e % ${TM}u; let kk = e / ${TM}u;` : `let r = e / ${TK}u; let kk = e % ${TK}u;`}
      let gm = tm * ${TM}u + r; let gk = k0 + kk;
      var v = ${zero};
      if (gm < M && gk < K) { v = in0[aBase + ${l.ta ? 'gk * M + gm' : 'gm * K + gk'}]; }
      As[r * ${TK4}u + kk / 4u][kk % 4u] = v;
    }`;
  const bLoad = l.bVec
    ? `for (var e = lid; e < ${TK * TN4}u; e += ${threads}u) {
      let kk = e / ${TN4}u; let gk = k0 + kk; let gn = tn * ${TN}u + (e % ${TN4}u) * 4u;
      var v = ${v4}(${zero});
      if (gn < N && gk < K) { v = in1[(bBase + gk * N + gn) / 4u]; }
      Bs[e] = v;
    }`
    : `for (var e = lid; e < ${TK * TN}u; e += ${threads}u) {
      ${l.tb ? `let kk = e % ${TK}u; let c = e / ${TK}u;` : `let kk = e / ${TN}u; let c = e % ${TN}u;`}
      let gn = tn * ${TN}u + c; let gk = k0 + kk;
      var v = ${zero};
      if (gn < N && gk < K) { v = in1[bBase + ${l.tb ? 'gn * K + gk' : 'gk * N + gn'}]; }
      Bs[kk * ${TN4}u + c / 4u][c % 4u] = v;
    }`;
  const mac = (q: number, b: string, a: string): string => {
    const acc = `acc[i * ${C4}u + ${q}u]`;
    return l.dtype === 'float32' ? `${acc} = fma(${b}, ${v4}(${a}), ${acc});` : `${acc} = ${acc} + ${b} * ${a};`;
  };
  const qs = Array.from({ length: C4 }, (_v, q) => q);
  const bReads = qs.flatMap((q) => [0, 1, 2, 3].map((r) => `let b${q}${r} = Bs[(k4 * 4u + ${r}u) * ${TN4}u + tc * ${C4}u + ${q}u];`)).join('\n      ');
  const macs = qs.flatMap((q) => ['x', 'y', 'z', 'w'].map((c, r) => mac(q, `b${q}${r}`, `a.${c}`))).join('\n        ');
  const body = `
  let M = P(0u); let N = P(1u); let K = P(2u); let tilesN = P(3u); let tilesM = P(4u);
  let wgi = wid.y * nwg.x + wid.x;
  let batch = wgi / (tilesN * tilesM);
  if (batch >= P(5u)) { return; }
  let t = wgi % (tilesN * tilesM);
  let tm = t / tilesN; let tn = t % tilesN;
  let tc = lid % ${TX}u; let tr = lid / ${TX}u;
  var aBase = 0u; var bBase = 0u; var rb = batch;
  for (var d = 0u; d < ${br}u; d++) {
    let c = rb / P(${P0}u + d); rb = rb % P(${P0}u + d);
    aBase += c * P(${P0 + br}u + d); bBase += c * P(${P0 + 2 * br}u + d);
  }
  aBase *= M * K; bBase *= K * N;
  var acc: array<${v4}, ${R * C4}>;
  for (var i = 0u; i < ${R * C4}u; i++) { acc[i] = ${v4}(${zero}); }
  for (var k0 = 0u; k0 < K; k0 += ${TK}u) {
    ${aLoad}
    ${bLoad}
    workgroupBarrier();
    for (var k4 = 0u; k4 < ${TK4}u; k4++) {
      ${bReads}
      for (var i = 0u; i < ${R}u; i++) {
        let a = As[(tr * ${R}u + i) * ${TK4}u + k4];
        ${macs}
      }
    }
    workgroupBarrier();
  }
${storeCode(l, epi, TM, TN, C4)}`;
  const shared = `var<workgroup> As: array<${v4}, ${TM * TK4}>;\nvar<workgroup> Bs: array<${v4}, ${TK * TN4}>;`;
  const vec4 = new Set<number>();
  if (l.aVec) vec4.add(0);
  if (l.bVec) vec4.add(1);
  if (l.cVec) vec4.add(2 + (epi?.extra.length ?? 0));
  const inTypes = [l.dtype, l.dtype, ...(epi?.extra ?? [])];
  const paramWords = P0 + 3 * br + (epi?.bx.params.length ?? 0);
  return shader(inTypes, [l.outDType], paramWords, body, { workgroup: threads, extra: shared, vec4 });
}

/** The store: each accumulator row through the epilogue (if any), as a vec4 or column by column. */
function storeCode(l: GemmLayout, epi: GemmEpilogueCode | null, TM: number, TN: number, C4: number): string {
  const s = wgslStorageType(l.dtype);
  const lines: string[] = [];
  let value = `acc[i * ${C4}u + q][j]`;
  if (epi) {
    const firstEpi = GEMM_FIXED_PARAMS + 3 * l.br;
    lines.push(`        let v0 = acc[i * ${C4}u + q][j];`);
    lines.push(...epi.bx.lines('idx', firstEpi).map((x) => '        ' + x.trim()));
    epi.extra.forEach((d, i) => lines.push(`        let v${i + 1} = ${load(d, `in${i + 2}[${epi.bx.index(i, 'idx')}]`)};`));
    const r = renderWgsl(epi.expr, [l.dtype, ...epi.extra], ['v0', ...epi.extra.map((_d, i) => `v${i + 1}`)]);
    lines.push(...r.lines.map((x) => '        ' + x));
    value = wgslCast(l.outDType, r.result, r.dtype);
  }
  const perColumn = lines.join('\n');
  const rowLoop = `for (var i = 0u; i < ${l.cfg.rows}u; i++) {
    let gm = tm * ${TM}u + tr * ${l.cfg.rows}u + i;
    if (gm >= M) { continue; }
    for (var q = 0u; q < ${C4}u; q++) {
      let g4 = tn * ${TN}u + (tc * ${C4}u + q) * 4u;`;
  if (l.cVec) {
    return `  ${rowLoop}
      if (g4 >= N) { continue; }
      var res: vec4<${s}>;
      for (var j = 0u; j < 4u; j++) {
        let idx = batch * M * N + gm * N + g4 + j;
${perColumn}
        res[j] = ${value};
      }
      out0[(batch * M * N + gm * N + g4) / 4u] = res;
    }
  }`;
  }
  return `  ${rowLoop}
      for (var j = 0u; j < 4u; j++) {
        let gn = g4 + j;
        if (gn >= N) { continue; }
        let idx = batch * M * N + gm * N + gn;
${perColumn}
        out0[idx] = ${store(l.outDType, value)};
      }
    }
  }`;
}
