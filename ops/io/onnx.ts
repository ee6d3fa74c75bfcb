import type { OnnxFacet } from '../op_def.js';
import { refused } from '../onnx_mapping.js';

const WHY = 'reads or writes checkpoint files: an exported inference graph is frozen, its variables are constants';

export const IO_ONNX: Readonly<Record<string, OnnxFacet>> = {
  SaveV2: refused(WHY),
  RestoreV2: refused(WHY),
  MergeV2Checkpoints: refused(WHY),
  Restore: refused(WHY),
  RestoreSlice: refused(WHY),
};
