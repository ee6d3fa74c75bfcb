import type { OnnxTable, TypesOf } from '../op_def.js';
import { refused } from '../onnx_mapping.js';
import type { SAVER_OPS } from './index.js';

const WHY = 'reads or writes checkpoint files: an exported inference graph is frozen, its variables are constants';

export const IO_ONNX: OnnxTable<TypesOf<typeof SAVER_OPS>> = {
  SaveV2: refused(WHY),
  RestoreV2: refused(WHY),
  MergeV2Checkpoints: refused(WHY),
  Restore: refused(WHY),
  RestoreSlice: refused(WHY),
};
