import type { OpDef, TypesOf } from '../op_def.js';
import { AddN, Identity, NoOp, StopGradient } from './control.js';
import { CheckNumerics } from './check_numerics.js';

export const CONTROL_OPS = [Identity, StopGradient, NoOp, AddN, CheckNumerics] as const satisfies readonly OpDef[];
export type ControlOpType = TypesOf<typeof CONTROL_OPS>;
