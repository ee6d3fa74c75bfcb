import { scalarOf } from '../../../ops/kernel_util.js';
import { checkTopK, type InTopKAttrs, type TopKAttrs } from '../../../ops/nn/top_k.js';
import { alloc } from './alloc.js';
import { kernel } from './kernel.js';

/**
 * Larger value first, equal values lower index first (TF's order). NaN counts as the largest
 * value so that the order stays total (a comparator that answers NaN would leave it undefined).
 */
function byValueDesc(v: ArrayLike<number>, base: number): (a: number, b: number) => number {
  return (a, b) => {
    const x = v[base + a];
    const y = v[base + b];
    if (x !== y) {
      if (Number.isNaN(x)) return Number.isNaN(y) ? a - b : -1;
      if (Number.isNaN(y)) return 1;
      return y - x;
    }
    return a - b;
  };
}

/** The nn family's top-k kernels: TopKV2 and InTopKV2. */
export const TOP_K_KERNELS = {
  TopKV2: kernel<TopKAttrs>(([x, kIn], _a, [vOut, iOut]) => {
    const k = scalarOf(kIn, 'k');
    const n = x.shape[x.rank - 1];
    checkTopK(k, n);
    const values = alloc(vOut);
    const indices = alloc(iOut);
    const rows = n === 0 ? 0 : x.size / n;
    const order = new Array<number>(n);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < n; i++) order[i] = i;
      order.sort(byValueDesc(x.data, r * n));
      for (let j = 0; j < k; j++) {
        values.data[r * k + j] = x.data[r * n + order[j]];
        indices.data[r * k + j] = order[j];
      }
    }
    return [values, indices];
  }),
  InTopKV2: kernel<InTopKAttrs>(([p, t, kIn], _a, [out]) => {
    const k = scalarOf(kIn, 'k');
    const [batch, classes] = p.shape;
    const res = alloc(out);
    for (let b = 0; b < batch; b++) {
      const target = t.data[b];
      // TF answers false when it cannot say: a target out of range or a non-finite prediction in the row
      let known = target >= 0 && target < classes && Number.isFinite(p.data[b * classes + target]);
      let more = 0;
      for (let i = 0; known && i < classes; i++) {
        const v = p.data[b * classes + i];
        if (!Number.isFinite(v)) known = false;
        else if (v > p.data[b * classes + target]) more++;
      }
      res.data[b] = known && more < k ? 1 : 0;
    }
    return [res];
  }),
};
