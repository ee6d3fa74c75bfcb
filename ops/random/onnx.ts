import type { OnnxTable, TypesOf } from '../op_def.js';
import { refused } from '../onnx_mapping.js';
import type { RANDOM_OPS } from './index.js';

const WHY = 'random ops draw from the Philox stream TF defines, which ONNX random ops do not reproduce; freeze the drawn values into constants';

export const RANDOM_ONNX: OnnxTable<TypesOf<typeof RANDOM_OPS>> = {
  RandomUniform: refused(WHY),
  RandomUniformInt: refused(WHY),
  RandomStandardNormal: refused(WHY),
  TruncatedNormal: refused(WHY),
};
