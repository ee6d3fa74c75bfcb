export { SAVER_OPS, SaveV2, RestoreV2, MergeV2Checkpoints, Restore, RestoreSlice, saveV2, restoreV2, mergeV2Checkpoints } from './saver_ops.js';
