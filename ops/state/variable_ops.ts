import {
  DType,
  FailedPreconditionError,
  formatShape,
  InvalidArgumentError,
  isCompatible,
  NDArray,
  PartialShape,
  } from '../../graph/ir/index.js';
import { ALL, checkDType, checkSameDType, NUMERIC } from '../dtype_sets.js';
import { defineOp, KernelContext, OpDef } from '../op_def.js';

export type VariableAttrs = { shape: PartialShape; dtype: DType; container: string; shared_name: string };

/** Reads the variable's current value in this run, or fails like TF does when uninitialized. */
export function readVariable(ctx: KernelContext, name: string): NDArray {
  const v = ctx.variables.read(name);
  if (!v) throw new FailedPreconditionError(`Attempting to use uninitialized value ${name}`);
  return v;
}

/**
 * A variable: its storage lives in the session. As a value input it yields the current contents;
 * as a ref input (Assign, Apply*) it names the storage to update.
 */
function variableOp(type: 'VariableV2' | 'Variable'): OpDef {
  return defineOp<VariableAttrs>({
    type,
    attrDefaults: { container: '', shared_name: '' },
    infer: (_i, attrs) => {
      checkDType('dtype', attrs.dtype, ALL);
      return [{ dtype: attrs.dtype, shape: attrs.shape === null ? null : [...attrs.shape] }];
    },
    lowering: { kind: 'routine', routine: 'VariableV2' },
    grad: 'none',
    stateful: true,
  });
}

export const VariableV2 = variableOp('VariableV2');
/** TF1's first variable op (graphs written before VariableV2): the same op under its old name. */
export const Variable = variableOp('Variable');

/** The op types whose output is a variable's storage (ref variables; a ref input must come from one). */
export const REF_VARIABLE_TYPES: ReadonlySet<string> = new Set(['VariableV2', 'Variable']);

export type AssignAttrs = { validate_shape: boolean; use_locking: boolean };

export const Assign = defineOp<AssignAttrs>({
  type: 'Assign',
  attrDefaults: { validate_shape: true, use_locking: true },
  infer(inputs, attrs, ctx) {
    const [ref, value] = inputs;
    checkSameDType(['ref', 'value'], [ref.dtype, value.dtype], ctx.opType);
    if (attrs.validate_shape && !isCompatible(ref.shape, value.shape)) {
      throw new InvalidArgumentError(`Assign requires shapes of both tensors to match. lhs shape= ${formatShape(ref.shape)} rhs shape= ${formatShape(value.shape)}`);
    }
    return [{ dtype: ref.dtype, shape: attrs.validate_shape ? ref.shape : value.shape }];
  },
  lowering: { kind: 'routine', routine: 'Assign' },
  grad: 'none',
  stateful: true,
  refInputs: [0],
});

function updateOp(type: 'AssignAdd' | 'AssignSub'): OpDef {
  return defineOp<{ use_locking: boolean }>({
    type,
    attrDefaults: { use_locking: false },
    infer(inputs, _a, ctx) {
      const [ref, value] = inputs;
      const dt = checkSameDType(['ref', 'value'], [ref.dtype, value.dtype], ctx.opType);
      checkDType('ref', dt, NUMERIC);
      if (!isCompatible(ref.shape, value.shape)) {
        throw new InvalidArgumentError(`${type}: lhs shape= ${formatShape(ref.shape)} rhs shape= ${formatShape(value.shape)} must match`);
      }
      return [{ dtype: dt, shape: ref.shape }];
    },
    lowering: { kind: 'routine', routine: type },
    grad: 'none',
    stateful: true,
    refInputs: [0],
  });
}

export const AssignAdd = updateOp('AssignAdd');
export const AssignSub = updateOp('AssignSub');

export const STATE_OPS = [VariableV2, Variable, Assign, AssignAdd, AssignSub];
