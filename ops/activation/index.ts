import type { OpDef, TypesOf } from '../op_def.js';
import { ELEMENTWISE_ACTIVATION_OPS as ELEMENTWISE_ACTIVATIONS } from './activations.js';
import { LogSoftmax, Softmax } from './softmax.js';

export const ACTIVATION_OPS = [...ELEMENTWISE_ACTIVATIONS, Softmax, LogSoftmax] as const satisfies readonly OpDef[];
export type ActivationOpType = TypesOf<typeof ACTIVATION_OPS>;
