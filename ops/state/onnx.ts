import type { OnnxFacet } from '../op_def.js';
import { refused } from '../onnx_mapping.js';

const STATE = 'an ONNX model has no mutable state; export the inference graph without Assign ops';

export const STATE_ONNX: Readonly<Record<string, OnnxFacet>> = {
  VariableV2: refused('the graph still holds a variable: freeze it first with tg.graphUtil.convertVariablesToConstants(sess, graphDef, outputNames)'),
  Variable: refused('the graph still holds a variable: freeze it first with tg.graphUtil.convertVariablesToConstants(sess, graphDef, outputNames)'),
  Assign: refused(STATE),
  AssignAdd: refused(STATE),
  AssignSub: refused(STATE),
};
