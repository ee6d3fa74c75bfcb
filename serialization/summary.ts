import { InvalidArgumentError, NDArray } from '../graph/ir/index.js';
import { decodeMessage, encodeMessage, pb } from './codec.js';
import type { TensorProtoObj } from './types.js';

/**
 * TF's `Summary` and `HistogramProto` messages (tensorflow/core/framework/summary.proto) as plain
 * objects, and how a summary op's output carries one.
 *
 * A summary op's output, as TF's, is a string scalar holding a serialized Summary.
 * Concatenating serialized Summaries merges them (`value` is a repeated field), which is what
 * MergeSummary does. `summaryFromArray` turns such a fetched value back into bytes.
 */
export interface HistogramProtoObj {
  min: number;
  max: number;
  num: number;
  sum: number;
  sum_squares: number;
  bucket_limit: number[];
  bucket: number[];
}

/** TF's Summary.Image: a PNG and its size; colorspace is the channel count (1 grey, 3 RGB, 4 RGBA). */
export interface SummaryImageObj {
  height: number;
  width: number;
  colorspace: number;
  encoded_image_string: Uint8Array;
}

/** TF's SummaryMetadata: which TensorBoard plugin reads a tensor summary (`text` for tf.summary.text). */
export interface SummaryMetadataObj {
  plugin_data?: { plugin_name: string; content?: Uint8Array };
  display_name?: string;
  summary_description?: string;
}

export interface SummaryValueObj {
  tag: string;
  node_name?: string;
  metadata?: SummaryMetadataObj;
  simple_value?: number;
  histo?: HistogramProtoObj;
  image?: SummaryImageObj;
  /** A tensor summary's value (TF's TensorSummaryV2), e.g. DT_STRING text. */
  tensor?: TensorProtoObj;
}

export interface SummaryObj {
  value: SummaryValueObj[];
}

export function encodeSummary(s: SummaryObj): Uint8Array {
  return encodeMessage(pb.Summary, s);
}

export function decodeSummary(bytes: Uint8Array, what = 'Summary'): SummaryObj {
  const s = decodeMessage<SummaryObj>(pb.Summary, bytes, what);
  s.value ??= [];
  for (const v of s.value) {
    v.tag ??= '';
    if (v.histo) {
      v.histo.bucket_limit ??= [];
      v.histo.bucket ??= [];
    }
  }
  return s;
}

/** Serialized bytes as a summary op's output: int32 [n], one element per byte. */
export function bytesToArray(bytes: Uint8Array): NDArray {
  return new NDArray('string', [], [bytes]);
}

/**
 * The serialized Summary a summary op's fetched value holds: its elements' bytes, concatenated
 * (which merges them, as MergeSummary does).
 */
export function summaryFromArray(a: NDArray, what = 'summary'): Uint8Array {
  if (a.dtype !== 'string') {
    throw new InvalidArgumentError(`${what}: expected the value of a summary op (a string tensor of serialized Summaries), got ${a.dtype} of shape [${a.shape.join(',')}]`);
  }
  const parts = a.bytes;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * TF's default histogram bucket limits (read against tensorflow/core/lib/histogram/histogram.cc,
 * InitDefaultBucketsInner, Add and EncodeToProto): ±1e-12 growing by 10% up
 * to 1e20, then ±DBL_MAX, with 0 between the negative and positive halves.
 */
export const DEFAULT_BUCKET_LIMITS: readonly number[] = (() => {
  const pos: number[] = [];
  let v = 1.0e-12;
  while (v < 1.0e20) {
    pos.push(v);
    v *= 1.1;
  }
  pos.push(Number.MAX_VALUE);
  const neg = pos.map((x) => -x).reverse();
  return [...neg, 0, ...pos];
})();

/**
 * A HistogramProto of `values` as TF's Histogram builds it: a value goes to the first bucket whose
 * limit exceeds it; runs of empty buckets are collapsed into one (EncodeToProto without
 * preserve_zero_buckets); an empty histogram has one bucket (DBL_MAX, 0).
 */
export function histogramOf(values: ArrayLike<number>): HistogramProtoObj {
  const limits = DEFAULT_BUCKET_LIMITS;
  const counts = new Float64Array(limits.length);
  let min = limits[limits.length - 1];
  let max = -limits[limits.length - 1];
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    // upper_bound: first limit > x
    let lo = 0;
    let hi = limits.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (limits[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    counts[lo] += 1;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    sumSq += x * x;
  }
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = limits[i];
    let count = counts[i];
    i++;
    if (count <= 0) {
      while (i < counts.length && counts[i] <= 0) {
        end = limits[i];
        count = counts[i];
        i++;
      }
    }
    bucketLimit.push(end);
    bucket.push(count);
  }
  if (bucket.length === 0) {
    bucketLimit.push(Number.MAX_VALUE);
    bucket.push(0);
  }
  return { min, max, num: values.length, sum, sum_squares: sumSq, bucket_limit: bucketLimit, bucket };
}
