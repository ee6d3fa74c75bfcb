import { formatShape, InvalidArgumentError, NDArray, NotFoundError, sizeOf } from '../../../graph/ir/index.js';
import type { ResolvedOutput } from '../../../ops/op_def.js';
import type { AssignVariableAttrs, DestroyResourceAttrs, ResourceGatherAttrs } from '../../../ops/state/resource_ops.js';
import { readVariable } from './variables.js';
import { ARRAY_KERNELS } from './array.js';
import { CpuKernel, kernel } from './kernel.js';

/** A value read through a handle must have the shape inference gave the handle (known dims). */
function checkReadShape(name: string, v: NDArray, out: ResolvedOutput, opType: string): void {
  if (out.unknownRank) return;
  if (out.shape.length !== v.rank || out.shape.some((d, i) => d >= 0 && d !== v.shape[i])) {
    throw new InvalidArgumentError(`${opType}: variable ${name} holds a value of shape ${formatShape(v.shape)}, but its handle has shape ${formatShape(out.shape.map((d) => (d < 0 ? null : d)))}`);
  }
}

function updateKernel(type: string, sign: 1 | -1): CpuKernel {
  return kernel(([, value], _a, _o, ctx) => {
    const name = ctx.refName(0);
    const cur = readVariable(ctx, name);
    if (cur.dtype !== value.dtype) throw new InvalidArgumentError(`${type}: variable ${name} is ${cur.dtype}, the update is ${value.dtype}`);
    if (cur.shape.join() !== value.shape.join()) {
      throw new InvalidArgumentError(`Cannot update variable with shape ${formatShape(cur.shape)} using a Tensor with shape ${formatShape(value.shape)}, shapes must be equal.`);
    }
    const next = NDArray.zeros(cur.dtype, cur.shape);
    const a = cur.data;
    const b = value.data;
    const o = next.data;
    const n = sizeOf(cur.shape);
    if (cur.dtype === 'float32') for (let i = 0; i < n; i++) o[i] = a[i] + sign * b[i];
    else for (let i = 0; i < n; i++) o[i] = (a[i] + sign * b[i]) | 0;
    ctx.variables.write(name, next);
    return [];
  });
}

const gatherV2 = ARRAY_KERNELS.GatherV2 as CpuKernel;

/** The resource-variable ops' CPU kernels: the variable is named by the plan (ctx.refName(0)). */
export const RESOURCE_KERNELS = {
  // a handle is read as a value only when fetched or passed on; it carries no data (zeros)
  VarHandleOp: kernel((_i, _a, [out], ctx) => {
    const cur = ctx.variables.read(ctx.opName);
    const shape = out.unknownRank ? (cur?.shape ?? []) : out.shape.map((d, i) => (d >= 0 ? d : (cur?.shape[i] ?? 0)));
    return [NDArray.zeros('resource', shape)];
  }),
  ReadVariableOp: kernel((_i, _a, [out], ctx) => {
    const name = ctx.refName(0);
    const v = readVariable(ctx, name);
    if (v.dtype !== out.dtype) throw new InvalidArgumentError(`Trying to read variable ${name} with wrong dtype. Expected ${out.dtype} got ${v.dtype}`);
    checkReadShape(name, v, out, 'ReadVariableOp');
    return [v];
  }),
  AssignVariableOp: kernel<AssignVariableAttrs>(([, value], attrs, _o, ctx) => {
    const name = ctx.refName(0);
    if (value.dtype !== attrs.dtype) throw new InvalidArgumentError(`Trying to assign variable with wrong dtype. Expected ${attrs.dtype} got ${value.dtype}`);
    const cur = ctx.variables.read(name);
    if (attrs.validate_shape && cur && cur.shape.join() !== value.shape.join()) {
      throw new InvalidArgumentError(`Trying to assign to variable ${name} with tensor with wrong shape. Expected ${formatShape(cur.shape)} got ${formatShape(value.shape)}`);
    }
    ctx.variables.write(name, value);
    return [];
  }),
  AssignAddVariableOp: updateKernel('AssignAddVariableOp', 1),
  AssignSubVariableOp: updateKernel('AssignSubVariableOp', -1),
  DestroyResourceOp: kernel<DestroyResourceAttrs>((_i, attrs, _o, ctx) => {
    const name = ctx.refName(0);
    if (ctx.variables.read(name) === undefined && !attrs.ignore_lookup_error) throw new NotFoundError(`Resource ${name} does not exist (DestroyResourceOp '${ctx.opName}')`);
    ctx.variables.delete(name);
    return [];
  }),
  VarIsInitializedOp: kernel((_i, _a, _o, ctx) => [NDArray.scalar(ctx.variables.read(ctx.refName(0)) === undefined ? 0 : 1, 'bool')]),
  ResourceGather: kernel<ResourceGatherAttrs>(([, indices], _a, outputs, ctx) => {
    const params = readVariable(ctx, ctx.refName(0));
    return gatherV2([params, indices, NDArray.scalar(0, 'int32')], { batch_dims: 0 }, outputs, ctx);
  }),
};
