import { DType, formatShape, InvalidArgumentError, isCompatible, PartialShape, Tensor, UnimplementedError } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { ANY, checkDType, INTEGERS, NUMERIC } from '../dtype_sets.js';
import { defineOp, InputSpec, OpDef } from '../op_def.js';

/*
 * TF's resource variables. A VarHandleOp's output is a `resource` handle naming a variable in the
 * session's store (by the VarHandleOp's node name); the ops below take it as a ref input, so the
 * plan resolves the variable once (runtime/plan.ts) and kernels read and write it through
 * `ctx.variables`, as Assign and Apply* do for VariableV2. The handle's static shape is the
 * variable's (TF keeps it as handle data), which is how ReadVariableOp knows its output shape.
 */

export type VarHandleAttrs = { container: string; shared_name: string; dtype: DType; shape: PartialShape; allowed_devices: readonly string[]; debug_name?: string };

export const VarHandleOp = defineOp<VarHandleAttrs>()({
  type: 'VarHandleOp',
  attrDefaults: { container: '', shared_name: '', allowed_devices: [], debug_name: '' },
  infer: (_i, attrs) => {
    checkDType('dtype', attrs.dtype, ANY);
    return [{ dtype: 'resource', shape: attrs.shape === null ? null : [...attrs.shape] }];
  },
  lowering: { kind: 'routine', routine: 'VarHandleOp' },
  grad: 'none',
  stateful: true,
});

/** The handle input's checks: a resource whose variable has the op's dtype attr. */
function handleOf(inputs: readonly InputSpec[], opType: string): InputSpec {
  const h = inputs[0];
  if (h.dtype !== 'resource') throw new InvalidArgumentError(`Input 'resource' of '${opType}' Op has type ${h.dtype} that does not match expected type of resource.`);
  return h;
}

export type ReadVariableAttrs = { dtype: DType };

export const ReadVariableOp = defineOp<ReadVariableAttrs>()({
  type: 'ReadVariableOp',
  infer: (inputs, attrs, ctx) => {
    checkDType('dtype', attrs.dtype, ANY);
    return [{ dtype: attrs.dtype, shape: handleOf(inputs, ctx.opType).shape }];
  },
  lowering: { kind: 'routine', routine: 'ReadVariableOp' },
  // its gradient flows to the handle (ops/state/resource_grad.ts), as TF's _ReadGrad
  stateful: true,
  refInputs: [0],
});

export type AssignVariableAttrs = { dtype: DType; validate_shape: boolean };

export const AssignVariableOp = defineOp<AssignVariableAttrs>()({
  type: 'AssignVariableOp',
  attrDefaults: { validate_shape: false },
  infer(inputs, attrs, ctx) {
    const h = handleOf(inputs, ctx.opType);
    checkDType('dtype', attrs.dtype, ANY);
    const value = inputs[1];
    if (value.dtype !== attrs.dtype) throw new InvalidArgumentError(`Input 'value' of 'AssignVariableOp' Op has type ${value.dtype} that does not match type ${attrs.dtype} of argument 'dtype'.`);
    if (attrs.validate_shape && !isCompatible(h.shape, value.shape)) {
      throw new InvalidArgumentError(`Trying to assign to variable with tensor with wrong shape. Expected ${formatShape(h.shape)} got ${formatShape(value.shape)}`);
    }
    return [];
  },
  lowering: { kind: 'routine', routine: 'AssignVariableOp' },
  grad: 'none',
  stateful: true,
  refInputs: [0],
});

export type AssignUpdateVariableAttrs = { dtype: DType };

function updateVariableOp<const T extends 'AssignAddVariableOp' | 'AssignSubVariableOp'>(type: T) {
  return defineOp<AssignUpdateVariableAttrs>()({
    type,
    infer(inputs, attrs, ctx) {
      const h = handleOf(inputs, ctx.opType);
      checkDType('dtype', attrs.dtype, NUMERIC);
      if (inputs[1].dtype !== attrs.dtype) throw new InvalidArgumentError(`Input 'value' of '${type}' Op has type ${inputs[1].dtype} that does not match type ${attrs.dtype} of argument 'dtype'.`);
      if (!isCompatible(h.shape, inputs[1].shape)) {
        throw new InvalidArgumentError(`Cannot update variable with shape ${formatShape(h.shape)} using a Tensor with shape ${formatShape(inputs[1].shape)}, shapes must be equal.`);
      }
      return [];
    },
    lowering: { kind: 'routine', routine: type },
    grad: 'none',
    stateful: true,
    refInputs: [0],
  });
}

export const AssignAddVariableOp = updateVariableOp('AssignAddVariableOp');
export const AssignSubVariableOp = updateVariableOp('AssignSubVariableOp');

export const VarIsInitializedOp = defineOp<Record<string, never>>()({
  type: 'VarIsInitializedOp',
  infer: (inputs, _a, ctx) => {
    handleOf(inputs, ctx.opType);
    return [{ dtype: 'bool', shape: [] }];
  },
  lowering: { kind: 'routine', routine: 'VarIsInitializedOp' },
  grad: 'none',
  stateful: true,
  refInputs: [0],
});

export type ResourceGatherAttrs = { batch_dims: number; validate_indices: boolean; dtype: DType };

/** Rows of the variable picked by `indices` (TF's embedding lookup on a resource variable), axis 0. */
export const ResourceGather = defineOp<ResourceGatherAttrs>()({
  type: 'ResourceGather',
  attrDefaults: { batch_dims: 0, validate_indices: true },
  infer(inputs, attrs, ctx) {
    const h = handleOf(inputs, ctx.opType);
    const indices = inputs[1];
    checkDType('dtype', attrs.dtype, ANY);
    if (attrs.batch_dims !== 0) throw new UnimplementedError(`ResourceGather: batch_dims = ${attrs.batch_dims} is not supported; only batch_dims = 0`);
    checkDType('indices', indices.dtype, INTEGERS);
    if (h.shape !== null && h.shape.length === 0) throw new InvalidArgumentError('params must be at least 1 dimensional');
    const shape = h.shape === null || indices.shape === null ? null : [...indices.shape, ...h.shape.slice(1)];
    return [{ dtype: attrs.dtype, shape }];
  },
  lowering: { kind: 'routine', routine: 'ResourceGather' },
  // gradient in ops/state/resource_grad.ts (it builds with array ops)
  stateful: true,
  refInputs: [0],
});

export type DestroyResourceAttrs = { ignore_lookup_error: boolean };

/** Deletes the variable behind the handle; a later read is an uninitialized-value error. */
export const DestroyResourceOp = defineOp<DestroyResourceAttrs>()({
  type: 'DestroyResourceOp',
  attrDefaults: { ignore_lookup_error: true },
  infer: (inputs, _a, ctx) => {
    handleOf(inputs, ctx.opType);
    return [];
  },
  lowering: { kind: 'routine', routine: 'DestroyResourceOp' },
  grad: 'none',
  stateful: true,
  refInputs: [0],
});

export const RESOURCE_OPS = [DestroyResourceOp, VarHandleOp, ReadVariableOp, AssignVariableOp, AssignAddVariableOp, AssignSubVariableOp, VarIsInitializedOp, ResourceGather] as const satisfies readonly OpDef[];

/** ResourceGather over a handle: rows of its variable (dtype `dtype`) picked by `indices`. */
export function resourceGather(handle: Tensor, indices: Tensor, dtype: DType, name?: string): Tensor {
  return makeOp(ResourceGather, [handle, indices], { dtype, batch_dims: 0, validate_indices: true }, { name }).outputs[0];
}
