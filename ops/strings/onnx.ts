import type { OnnxTable, TypesOf } from '../op_def.js';
import { refused } from '../onnx_mapping.js';
import type { STRING_OPS } from './index.js';

const WHY = 'builds checkpoint file names for the Saver: an exported inference graph has no file names (and tensorgraph exports numeric graphs)';

export const STRING_ONNX: OnnxTable<TypesOf<typeof STRING_OPS>> = {
  StringJoin: refused('string concatenation is not a numeric inference op: tensorgraph exports numeric graphs'),
  ShardedFilename: refused(WHY),
  ShardedFilespec: refused(WHY),
};
