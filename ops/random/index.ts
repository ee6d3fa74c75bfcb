import type { OpDef, TypesOf } from '../op_def.js';
import { RandomStandardNormal, RandomUniform, RandomUniformInt, TruncatedNormal } from './random_ops.js';

export const RANDOM_OPS = [RandomUniform, RandomUniformInt, RandomStandardNormal, TruncatedNormal] as const satisfies readonly OpDef[];
export type RandomOpType = TypesOf<typeof RANDOM_OPS>;
