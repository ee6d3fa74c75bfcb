import { InvalidArgumentError, Tensor, formatShape, getDefaultGraph, GraphKeys } from '../../graph/ir/index.js';
import { makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, NUMERIC } from '../dtype_sets.js';
import { defineOp, OpDef, type TypesOf } from '../op_def.js';

/*
 * TF1's summary ops. As TF's, the output is a string scalar holding a serialized
 * `tensorflow.Summary`; a fetched value is what `tg.summary.FileWriter.addSummary` takes. One
 * deviation remains from the time tensorgraph had no string dtype: TF's ScalarSummary and
 * HistogramSummary take the tag as a string tensor input; ours take it as a string attr
 * (`tags` / `tag`, TF's input names) and have only the `values` input. GraphDef export writes
 * TF's form (the tag becomes a DT_STRING Const input, serialization/graph_def.ts) and import lifts
 * it back, so files are unchanged. Not differentiable; no ONNX counterpart.
 */

export type ScalarAttrs = { tags: string; T: string };
export type HistogramAttrs = { tag: string; T: string };

const SUMMARY_OUT = [{ dtype: 'string' as const, shape: [] }];

export const ScalarSummary = defineOp<ScalarAttrs>()({
  type: 'ScalarSummary',
  infer: ([v]) => {
    checkDType('values', v.dtype, NUMERIC);
    if (v.shape !== null && v.shape.length !== 0) {
      throw new InvalidArgumentError(`tags and values not the same shape: [] != ${formatShape(v.shape)} (tag is an attr here: values must be a scalar)`);
    }
    return SUMMARY_OUT;
  },
  lowering: { kind: 'routine', routine: 'ScalarSummary' },
  grad: 'none',
});

export const HistogramSummary = defineOp<HistogramAttrs>()({
  type: 'HistogramSummary',
  infer: ([v]) => {
    checkDType('values', v.dtype, NUMERIC);
    return SUMMARY_OUT;
  },
  lowering: { kind: 'routine', routine: 'HistogramSummary' },
  grad: 'none',
});

/**
 * Concatenates serialized Summaries (a protobuf merge of the repeated `value`); tags must differ.
 * Each input is a string tensor of any shape whose every element is a serialized Summary, as TF's.
 */
export const MergeSummary = defineOp({
  type: 'MergeSummary',
  infer: (inputs) => {
    if (inputs.length === 0) throw new InvalidArgumentError('MergeSummary needs at least one input');
    inputs.forEach((x, i) => {
      if (x.dtype !== 'string') {
        throw new InvalidArgumentError(`MergeSummary: inputs[${i}] must be a summary (a string tensor of serialized Summaries), got ${x.dtype} ${formatShape(x.shape)}`);
      }
    });
    return SUMMARY_OUT;
  },
  lowering: { kind: 'routine', routine: 'MergeSummary' },
  grad: 'none',
});

export const SUMMARY_OPS = [ScalarSummary, HistogramSummary, MergeSummary] as const satisfies readonly OpDef[];
export type SummaryOpType = TypesOf<typeof SUMMARY_OPS>;

function summaryOp(def: OpDef, tagAttr: string, name: string, x: Tensor, collections: readonly string[] | undefined): Tensor {
  const g = x.graph;
  // TF's summary_scope: the tag is the scoped name, and the op is named the same
  const out = g.nameScope(name, (scope) => makeOp(def, [x], { [tagAttr]: scope.slice(0, -1), T: x.dtype }, { name: scope }).outputs[0]);
  for (const key of collections ?? [GraphKeys.SUMMARIES]) g.addToCollection(key, out);
  return out;
}

/** tf.summary.scalar(name, tensor): a summary of a scalar, added to the `summaries` collection. */
export function scalar(name: string, tensor: TensorLike, options: { collections?: readonly string[] } = {}): Tensor {
  return summaryOp(ScalarSummary, 'tags', name, toTensor(tensor), options.collections);
}

/** tf.summary.histogram(name, values): a histogram of `values` with TF's default buckets. */
export function histogram(name: string, values: TensorLike, options: { collections?: readonly string[] } = {}): Tensor {
  return summaryOp(HistogramSummary, 'tag', name, toTensor(values), options.collections);
}

/** tf.summary.merge(inputs): one summary holding all the inputs' values. */
export function merge(inputs: readonly Tensor[], name?: string): Tensor {
  if (inputs.length === 0) throw new InvalidArgumentError('merge: needs at least one summary');
  return makeOp(MergeSummary, inputs, {}, { name: name ?? 'Merge/MergeSummary' }).outputs[0];
}

/** tf.summary.merge_all(): merges the `summaries` collection (or `key`), or null when it is empty. */
export function mergeAll(key: string = GraphKeys.SUMMARIES, name?: string): Tensor | null {
  const g = getDefaultGraph();
  const xs = g.getCollection<Tensor>(key);
  if (xs.length === 0) return null;
  return merge(xs, name);
}
