import type { OpDef, TypesOf } from '../op_def.js';
import { BatchMatMulV2, MatMul } from './matmul.js';

export const MATMUL_OPS = [MatMul, BatchMatMulV2] as const satisfies readonly OpDef[];
export type MatMulOpType = TypesOf<typeof MATMUL_OPS>;
