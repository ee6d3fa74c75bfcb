import { type BNAttrs, type BNGradAttrs, layout } from '../../../ops/normalization/fused_batch_norm.js';
import { NDArray } from '../../../graph/ir/index.js';
import { kernel } from './kernel.js';

function channelStats(x: NDArray, format: string): { mean: Float64Array; variance: Float64Array; count: number } {
  const { outer, c, inner } = layout(x.shape, format);
  const mean = new Float64Array(c);
  const sq = new Float64Array(c);
  const d = x.data;
  for (let o = 0; o < outer; o++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (o * c + ch) * inner;
      for (let i = 0; i < inner; i++) mean[ch] += d[base + i];
    }
  }
  const count = outer * inner;
  for (let ch = 0; ch < c; ch++) mean[ch] /= Math.max(count, 1);
  for (let o = 0; o < outer; o++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (o * c + ch) * inner;
      const m = mean[ch];
      for (let i = 0; i < inner; i++) sq[ch] += (d[base + i] - m) * (d[base + i] - m);
    }
  }
  for (let ch = 0; ch < c; ch++) sq[ch] /= Math.max(count, 1);
  return { mean, variance: sq, count };
}

const vec = (v: ArrayLike<number>): NDArray => NDArray.from(Float32Array.from(v), [v.length], 'float32');

/** The normalization family's CPU kernels. */
export const NORMALIZATION_KERNELS = {
  FusedBatchNormV3: kernel<BNAttrs>(([x, scale, offset, mean, variance], attrs) => {
    const { outer, c, inner } = layout(x.shape, attrs.data_format);
    let mu: ArrayLike<number>;
    let varUsed: ArrayLike<number>;
    let batchMeanOut: Float64Array | ArrayLike<number>;
    let batchVarOut: Float64Array | ArrayLike<number>;
    if (attrs.is_training) {
      const st = channelStats(x, attrs.data_format);
      mu = st.mean;
      varUsed = st.variance;
      const correction = st.count > 1 ? st.count / (st.count - 1) : 1;
      const f = attrs.exponential_avg_factor;
      batchMeanOut = Float64Array.from(st.mean, (m, i) => (f === 1 ? m : (1 - f) * mean.data[i] + f * m));
      batchVarOut = Float64Array.from(st.variance, (v, i) => (f === 1 ? v * correction : (1 - f) * variance.data[i] + f * v * correction));
    } else {
      mu = mean.data;
      varUsed = variance.data;
      batchMeanOut = mean.data;
      batchVarOut = variance.data;
    }
    const inv = Float64Array.from({ length: c }, (_v, i) => 1 / Math.sqrt(varUsed[i] + attrs.epsilon));
    const y = new Float32Array(x.size);
    const d = x.data;
    for (let o = 0; o < outer; o++) {
      for (let ch = 0; ch < c; ch++) {
        const base = (o * c + ch) * inner;
        const a = inv[ch] * scale.data[ch];
        const b = offset.data[ch] - mu[ch] * a;
        for (let i = 0; i < inner; i++) y[base + i] = d[base + i] * a + b;
      }
    }
    return [new NDArray('float32', x.shape, y), vec(batchMeanOut), vec(batchVarOut), vec(mu), vec(inv), NDArray.zeros('float32', [0])];
  }),
  FusedBatchNormGradV3: kernel<BNGradAttrs>(([dy, x, scale, r1, r2], attrs) => {
    const { outer, c, inner } = layout(x.shape, attrs.data_format);
    const m = outer * inner;
    const sumDy = new Float64Array(c);
    const sumDyXhat = new Float64Array(c);
    for (let o = 0; o < outer; o++) {
      for (let ch = 0; ch < c; ch++) {
        const base = (o * c + ch) * inner;
        for (let i = 0; i < inner; i++) {
          const g = dy.data[base + i];
          sumDy[ch] += g;
          sumDyXhat[ch] += g * (x.data[base + i] - r1.data[ch]) * r2.data[ch];
        }
      }
    }
    const dx = new Float32Array(x.size);
    for (let o = 0; o < outer; o++) {
      for (let ch = 0; ch < c; ch++) {
        const base = (o * c + ch) * inner;
        const inv = r2.data[ch];
        const k = scale.data[ch] * inv;
        for (let i = 0; i < inner; i++) {
          const g = dy.data[base + i];
          if (attrs.is_training) {
            const xhat = (x.data[base + i] - r1.data[ch]) * inv;
            dx[base + i] = (k / m) * (m * g - sumDy[ch] - xhat * sumDyXhat[ch]);
          } else dx[base + i] = g * k;
        }
      }
    }
    const empty = NDArray.zeros('float32', [0]);
    return [new NDArray('float32', x.shape, dx), vec(sumDyXhat), vec(sumDy), empty, empty];
  }),
};
