import { InvalidArgumentError, NDArray } from '../../../graph/ir/index.js';
import { bytesToArray, decodeSummary, encodeSummary, histogramOf, summaryFromArray } from '../../../serialization/summary.js';
import type { HistogramAttrs, ScalarAttrs } from '../../../ops/summary/summary_ops.js';
import { kernel } from './kernel.js';

function asNumbers(x: NDArray): number[] {
  return Array.from(x.data as ArrayLike<number | bigint>, Number);
}

/** The summary family's CPU kernels. */
export const SUMMARY_KERNELS = {
  ScalarSummary: kernel<ScalarAttrs>(([v], attrs) => {
    if (v.shape.length !== 0) throw new InvalidArgumentError(`tags and values not the same shape: [] != [${v.shape.join(',')}]`);
    const bytes = encodeSummary({ value: [{ tag: attrs.tags, simple_value: asNumbers(v)[0] }] });
    return [bytesToArray(bytes)];
  }),
  HistogramSummary: kernel<HistogramAttrs>(([v], attrs) => {
    const xs = asNumbers(v);
    for (const x of xs) {
      if (Number.isNaN(x)) throw new InvalidArgumentError(`Nan in summary histogram for: ${attrs.tag}`);
      if (!Number.isFinite(x)) throw new InvalidArgumentError(`Infinity in summary histogram for: ${attrs.tag}`);
    }
    return [bytesToArray(encodeSummary({ value: [{ tag: attrs.tag, histo: histogramOf(xs) }] }))];
  }),
  MergeSummary: kernel((inputs) => {
    const tags = new Set<string>();
    const parts: Uint8Array[] = [];
    inputs.forEach((x, i) => {
      const bytes = summaryFromArray(x, `MergeSummary inputs[${i}]`);
      for (const v of decodeSummary(bytes, `MergeSummary inputs[${i}]`).value) {
        if (tags.has(v.tag)) throw new InvalidArgumentError(`Duplicate tag ${v.tag} found in summary inputs`);
        tags.add(v.tag);
      }
      parts.push(bytes);
    });
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return [bytesToArray(out)];
  }),
};
