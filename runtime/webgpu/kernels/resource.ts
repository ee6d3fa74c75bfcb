import { FailedPreconditionError, formatShape, InvalidArgumentError, NDArray, NotFoundError } from '../../../graph/ir/index.js';
import type { AssignVariableAttrs, DestroyResourceAttrs } from '../../../ops/state/resource_ops.js';
import type { ResolvedOutput } from '../../../ops/op_def.js';
import type { GpuTensor } from '../gpu_tensor.js';
import { ARRAY_INDEX_GPU_KERNELS } from './array_index.js';
import type { GpuKernel, GpuKernelArgs } from './kernel.js';
import { need } from './kernel.js';
import { groups, shader } from './shader.js';
import { STATE_GPU_KERNELS } from './state.js';

/*
 * TF's resource variables on the device. The plan names each op's variable (ctx.refName(0)), as for
 * VariableV2's Assign and Apply*: reads come from the backend's resident store (uploaded once, kept
 * between runs), writes are new device buffers that become the variable's value when the run
 * commits. Errors are the CPU kernels' (runtime/cpu/kernels/resource.ts), word for word.
 */

/** The variable's value for a device op, failing as TF does when it has none. */
function readVar(a: GpuKernelArgs, name: string): GpuTensor {
  if (!a.variables.current(name, a.ctx.variables)) throw new FailedPreconditionError(`Attempting to use uninitialized value ${name}`);
  return a.variables.read(name, a.ctx.variables, a.ctx.opName);
}

/** A value read through a handle must have the shape inference gave the handle (known dims). */
function checkReadShape(name: string, v: GpuTensor, out: ResolvedOutput, opType: string): void {
  if (out.unknownRank) return;
  if (out.shape.length !== v.shape.length || out.shape.some((d, i) => d >= 0 && d !== v.shape[i])) {
    throw new InvalidArgumentError(`${opType}: variable ${name} holds a value of shape ${formatShape(v.shape)}, but its handle has shape ${formatShape(out.shape.map((d) => (d < 0 ? null : d)))}`);
  }
}

/** A device copy of `x`: a variable never aliases a buffer the run (or another variable) owns. */
function copyTensor(a: GpuKernelArgs, x: GpuTensor, name: string): GpuTensor {
  const t = a.gpu.alloc(x.dtype, x.shape, `the new value of '${name}'`);
  a.gpu.copy(x, t, x.size);
  return t;
}

function updateKernel(sign: '+' | '-'): GpuKernel {
  return (a) => {
    const name = a.ctx.refName(0);
    const cur = readVar(a, name);
    const value = need(a, 1);
    if (cur.dtype !== value.dtype) throw new InvalidArgumentError(`${a.ctx.opType}: variable ${name} is ${cur.dtype}, the update is ${value.dtype}`);
    if (cur.shape.join() !== value.shape.join()) {
      throw new InvalidArgumentError(`Cannot update variable with shape ${formatShape(cur.shape)} using a Tensor with shape ${formatShape(value.shape)}, shapes must be equal.`);
    }
    const out = a.gpu.alloc(cur.dtype, cur.shape, `the new value of '${name}'`);
    const source = (): string => shader([cur.dtype, value.dtype], [cur.dtype], 1, `  if (gid >= P(0u)) { return; }\n  out0[gid] = in0[gid] ${sign} in1[gid];`);
    a.gpu.launch({ key: `assign${sign}|${cur.dtype}`, source, inputs: [cur, value], outputs: [out], params: [cur.size], workgroups: groups(cur.size) });
    a.variables.write(name, out);
    return [];
  };
}

/** ResourceApply*: the dense Apply* launch on the handles' variables; the op has no output. */
function resourceApply(dense: GpuKernel): GpuKernel {
  return (a) => {
    dense(a);
    return [];
  };
}

const gatherV2 = ARRAY_INDEX_GPU_KERNELS.GatherV2;

/** The resource-variable ops' WebGPU kernels. */
export const RESOURCE_GPU_KERNELS = {
  // a handle carries no data: read back (fetched) it is zeros of the variable's shape, as on the CPU
  VarHandleOp: ((a) => {
    const cur = a.variables.current(a.ctx.opName, a.ctx.variables);
    const out = a.outputs[0];
    const shape = out.unknownRank ? [...(cur?.shape ?? [])] : out.shape.map((d, i) => (d >= 0 ? d : (cur?.shape[i] ?? 0)));
    const t = a.gpu.alloc('resource', shape, `the handle '${a.ctx.opName}'`);
    t.hostCopy = NDArray.zeros('resource', shape);
    return [t];
  }) as GpuKernel,
  ReadVariableOp: ((a) => {
    const name = a.ctx.refName(0);
    const v = readVar(a, name);
    const out = a.outputs[0];
    if (v.dtype !== out.dtype) throw new InvalidArgumentError(`Trying to read variable ${name} with wrong dtype. Expected ${out.dtype} got ${v.dtype}`);
    checkReadShape(name, v, out, 'ReadVariableOp');
    return [v];
  }) as GpuKernel,
  AssignVariableOp: ((a) => {
    const name = a.ctx.refName(0);
    const value = need(a, 1);
    const attrs = a.attrs as unknown as AssignVariableAttrs;
    if (value.dtype !== attrs.dtype) throw new InvalidArgumentError(`Trying to assign variable with wrong dtype. Expected ${attrs.dtype} got ${value.dtype}`);
    const cur = a.variables.current(name, a.ctx.variables);
    if (attrs.validate_shape && cur && cur.shape.join() !== value.shape.join()) {
      throw new InvalidArgumentError(`Trying to assign to variable ${name} with tensor with wrong shape. Expected ${formatShape(cur.shape)} got ${formatShape(value.shape)}`);
    }
    a.variables.write(name, copyTensor(a, value, name));
    return [];
  }) as GpuKernel,
  AssignAddVariableOp: updateKernel('+'),
  AssignSubVariableOp: updateKernel('-'),
  DestroyResourceOp: ((a) => {
    const name = a.ctx.refName(0);
    const attrs = a.attrs as unknown as DestroyResourceAttrs;
    if (a.variables.current(name, a.ctx.variables) === undefined && !attrs.ignore_lookup_error) throw new NotFoundError(`Resource ${name} does not exist (DestroyResourceOp '${a.ctx.opName}')`);
    // the host store forgets it when the run commits (and drops the device copy with it)
    a.variables.forget(name);
    a.ctx.variables.delete(name);
    return [];
  }) as GpuKernel,
  VarIsInitializedOp: ((a) => [a.gpu.upload(NDArray.scalar(a.variables.current(a.ctx.refName(0), a.ctx.variables) === undefined ? 0 : 1, 'bool'), 'VarIsInitializedOp')]) as GpuKernel,
  ResourceGather: ((a) => {
    const params = readVar(a, a.ctx.refName(0));
    return gatherV2({ ...a, inputs: [params, need(a, 1), null], host: [null, null, NDArray.scalar(0, 'int32')] });
  }) as GpuKernel,
  ResourceApplyGradientDescent: resourceApply(STATE_GPU_KERNELS.ApplyGradientDescent),
  ResourceApplyMomentum: resourceApply(STATE_GPU_KERNELS.ApplyMomentum),
  ResourceApplyAdagrad: resourceApply(STATE_GPU_KERNELS.ApplyAdagrad),
  ResourceApplyRMSProp: resourceApply(STATE_GPU_KERNELS.ApplyRMSProp),
  ResourceApplyAdam: resourceApply(STATE_GPU_KERNELS.ApplyAdam),
  ResourceApplyAdadelta: resourceApply(STATE_GPU_KERNELS.ApplyAdadelta),
  ResourceApplyFtrl: resourceApply(STATE_GPU_KERNELS.ApplyFtrl),
  ResourceApplyFtrlV2: resourceApply(STATE_GPU_KERNELS.ApplyFtrlV2),
};
