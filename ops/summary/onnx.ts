import type { OnnxTable, TypesOf } from '../op_def.js';
import { refused } from '../onnx_mapping.js';
import type { SUMMARY_OPS } from './summary_ops.js';

const WHY = 'a summary op is a training-time log with no ONNX counterpart: export the graph without it (fetch the model outputs, not the summaries)';

export const SUMMARY_ONNX: OnnxTable<TypesOf<typeof SUMMARY_OPS>> = {
  ScalarSummary: refused(WHY),
  HistogramSummary: refused(WHY),
  MergeSummary: refused(WHY),
};
