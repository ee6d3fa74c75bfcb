import type { OnnxTable, TypesOf } from '../op_def.js';
import { refused } from '../onnx_mapping.js';
import type { OPTIMIZER_OPS } from './index.js';

const WHY = 'optimizer updates belong to training graphs; an ONNX model has no variables to update';

export const OPTIMIZER_ONNX: OnnxTable<TypesOf<typeof OPTIMIZER_OPS>> = {
  ApplyGradientDescent: refused(WHY),
  ApplyMomentum: refused(WHY),
  ApplyAdagrad: refused(WHY),
  ApplyRMSProp: refused(WHY),
  ApplyAdam: refused(WHY),
  ApplyAdadelta: refused(WHY),
  ApplyFtrl: refused(WHY),
  ApplyFtrlV2: refused(WHY),
  ResourceApplyGradientDescent: refused(WHY),
  ResourceApplyMomentum: refused(WHY),
  ResourceApplyAdagrad: refused(WHY),
  ResourceApplyRMSProp: refused(WHY),
  ResourceApplyAdam: refused(WHY),
  ResourceApplyAdadelta: refused(WHY),
  ResourceApplyFtrl: refused(WHY),
  ResourceApplyFtrlV2: refused(WHY),
};
