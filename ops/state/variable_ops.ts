import { type AttrMap, DType, formatShape, InvalidArgumentError, isCompatible, PartialShape } from '../../graph/ir/index.js';
import { ANY, checkDType, checkSameDType, NUMERIC } from '../dtype_sets.js';
import { defineOp, OpDef, type TypesOf } from '../op_def.js';
import { RESOURCE_OPS } from './resource_ops.js';

export type VariableAttrs = { shape: PartialShape; dtype: DType; container: string; shared_name: string };

/**
 * A variable: its storage lives in the session. As a value input it yields the current contents;
 * as a ref input (Assign, Apply*) it names the storage to update.
 */
function variableOp<const T extends 'VariableV2' | 'Variable'>(type: T) {
  return defineOp<VariableAttrs>()({
    type,
    attrDefaults: { container: '', shared_name: '' },
    infer: (_i, attrs) => {
      checkDType('dtype', attrs.dtype, ANY);
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

export type AssignAttrs = { validate_shape: boolean; use_locking: boolean };

export const Assign = defineOp<AssignAttrs>()({
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

function updateOp<T extends 'AssignAdd' | 'AssignSub'>(type: T): OpDef<AttrMap, T> {
  return defineOp<{ use_locking: boolean }>()({
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

export const STATE_OPS = [VariableV2, Variable, Assign, AssignAdd, AssignSub, ...RESOURCE_OPS] as const satisfies readonly OpDef[];
export type StateOpType = TypesOf<typeof STATE_OPS>;
