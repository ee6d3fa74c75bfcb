import type { OpDef, TypesOf } from '../op_def.js';
import { FusedBatchNormGradV3, FusedBatchNormV3 } from './fused_batch_norm.js';

export const NORMALIZATION_OPS = [FusedBatchNormV3, FusedBatchNormGradV3] as const satisfies readonly OpDef[];
export type NormalizationOpType = TypesOf<typeof NORMALIZATION_OPS>;
