import type { OnnxFacet } from '../op_def.js';
import { refused } from '../onnx_mapping.js';

const WHY = 'optimizer updates belong to training graphs; an ONNX model has no variables to update';

export const OPTIMIZER_ONNX: Readonly<Record<string, OnnxFacet>> = {
  ApplyGradientDescent: refused(WHY),
  ApplyMomentum: refused(WHY),
  ApplyAdagrad: refused(WHY),
  ApplyRMSProp: refused(WHY),
  ApplyAdam: refused(WHY),
  ResourceApplyGradientDescent: refused(WHY),
  ResourceApplyMomentum: refused(WHY),
  ResourceApplyAdagrad: refused(WHY),
  ResourceApplyRMSProp: refused(WHY),
  ResourceApplyAdam: refused(WHY),
};
