import type { OnnxTable, TypesOf } from '../op_def.js';
import { refused } from '../onnx_mapping.js';
import type { STATE_OPS } from './variable_ops.js';

const STATE = 'an ONNX model has no mutable state; export the inference graph without Assign ops';

export const STATE_ONNX: OnnxTable<TypesOf<typeof STATE_OPS>> = {
  VariableV2: refused('the graph still holds a variable: freeze it first with tg.graphUtil.convertVariablesToConstants(sess, graphDef, outputNames)'),
  Assign: refused(STATE),
  AssignAdd: refused(STATE),
  AssignSub: refused(STATE),
};
