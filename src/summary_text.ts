import { GraphKeys, getDefaultGraph, InvalidArgumentError, type Tensor } from '../graph/ir/index.js';
import { makeConst } from '../ops/builder.js';
import { bytesToArray, encodeSummary, type SummaryObj } from '../serialization/summary.js';

/** A string, or a rectangular nested array of strings (a string tensor's value). */
export type TextValue = string | readonly TextValue[];

const DT_STRING = 7;

/** Row-major strings and their shape; ragged nesting or a non-string is refused. */
function flatten(name: string, value: TextValue): { shape: number[]; strings: string[] } {
  if (typeof value === 'string') return { shape: [], strings: [value] };
  if (!Array.isArray(value)) throw new InvalidArgumentError(`tg.summary.text '${name}': expected a string or a nested array of strings, got ${typeof value}`);
  const parts = value.map((v) => flatten(name, v));
  const inner = parts.length > 0 ? parts[0].shape : [];
  parts.forEach((p, i) => {
    if (p.shape.join() !== inner.join()) {
      throw new InvalidArgumentError(`tg.summary.text '${name}': ragged array: element ${i} has shape [${p.shape.join(',')}], element 0 has [${inner.join(',')}]`);
    }
  });
  return { shape: [value.length, ...inner], strings: parts.flatMap((p) => p.strings) };
}

/**
 * The Summary TF1's tf.summary.text writes: the text as a DT_STRING TensorProto (UTF-8 bytes in
 * string_val, TF's shape) with plugin metadata naming TensorBoard's `text` plugin.
 */
export function textSummary(tag: string, value: TextValue): SummaryObj {
  const { shape, strings } = flatten(tag, value);
  const utf8 = new TextEncoder();
  return {
    value: [
      {
        tag,
        metadata: { plugin_data: { plugin_name: 'text' } },
        tensor: { dtype: DT_STRING, tensor_shape: { dim: shape.map((size) => ({ size })) }, string_val: strings.map((s) => utf8.encode(s)) },
      },
    ],
  };
}

/**
 * tf.summary.text(name, tensor) for text known when the graph is built (a JS string or nested
 * array of strings; there is no string dtype yet): a summary op's output like tg.summary.scalar's
 * (int32 bytes of the serialized Summary), named and tagged by the name scope as TF does, and added
 * to the `summaries` collection so mergeAll picks it up. It is a Const holding the Summary, since
 * the text is known now; once strings are a dtype this becomes TF's TensorSummaryV2.
 */
export function text(name: string, value: TextValue, options: { collections?: readonly string[] } = {}): Tensor {
  const g = getDefaultGraph();
  // TF's summary_scope: the tag is the scoped name, and the op is named the same
  const out = g.nameScope(name, (scope) => makeConst(bytesToArray(encodeSummary(textSummary(scope.slice(0, -1), value))), scope, g));
  for (const key of options.collections ?? [GraphKeys.SUMMARIES]) g.addToCollection(key, out);
  return out;
}
