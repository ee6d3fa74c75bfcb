import type { OpDef, TypesOf } from '../op_def.js';
import { Const, Placeholder, PlaceholderWithDefault } from './leaves.js';

export const LEAF_OPS = [Placeholder, PlaceholderWithDefault, Const] as const satisfies readonly OpDef[];
export type LeafOpType = TypesOf<typeof LEAF_OPS>;
