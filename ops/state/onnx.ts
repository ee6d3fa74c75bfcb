import type { OnnxTable, TypesOf } from '../op_def.js';
import { refused } from '../onnx_mapping.js';
import type { STATE_OPS } from './variable_ops.js';

const FREEZE = 'the graph still holds a variable: freeze it first with tg.graphUtil.convertVariablesToConstants(sess, graphDef, outputNames)';
const STATE = 'an ONNX model has no mutable state; export the inference graph without Assign ops';

export const STATE_ONNX: OnnxTable<TypesOf<typeof STATE_OPS>> = {
  VariableV2: refused(FREEZE),
  Variable: refused(FREEZE),
  Assign: refused(STATE),
  AssignAdd: refused(STATE),
  AssignSub: refused(STATE),
  VarHandleOp: refused(FREEZE),
  ReadVariableOp: refused(FREEZE),
  ResourceGather: refused(FREEZE),
  AssignVariableOp: refused(STATE),
  AssignAddVariableOp: refused(STATE),
  AssignSubVariableOp: refused(STATE),
  VarIsInitializedOp: refused(STATE),
  DestroyResourceOp: refused(STATE),
};
