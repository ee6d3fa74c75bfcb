import type { OpDef, TypesOf } from '../op_def.js';
import { AddN, Identity, NoOp, StopGradient } from './control.js';
import { CheckNumerics } from './check_numerics.js';
import { CONTROL_FLOW_OPS } from './control_flow.js';

export const CONTROL_OPS = [Identity, StopGradient, NoOp, AddN, CheckNumerics, ...CONTROL_FLOW_OPS] as const satisfies readonly OpDef[];
export type ControlOpType = TypesOf<typeof CONTROL_OPS>;
