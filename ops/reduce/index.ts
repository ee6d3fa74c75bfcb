import type { OpDef, TypesOf } from '../op_def.js';
import { ArgMax, ArgMin, Max, Mean, Min, Prod, Sum } from './reduce_ops.js';
import { Cumprod, Cumsum } from './cumulative.js';

export const REDUCE_OPS = [Sum, Mean, Max, Min, Prod, ArgMax, ArgMin, Cumsum, Cumprod] as const satisfies readonly OpDef[];
export type ReduceOpType = TypesOf<typeof REDUCE_OPS>;
