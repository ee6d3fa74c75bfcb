import { AttrMap, DType, InternalError, NDArray, UnimplementedError } from '../../graph/ir/index.js';
import { arg, exprArgs, ScalarExpr, substitute } from '../../ops/elementwise/scalar_expr.js';
import type { RoutineName } from '../../ops/lowering.js';
import type { KernelContext, ResolvedOutput } from '../../ops/op_def.js';
import type { Dispatch } from '../backend.js';
import type { GpuTensor } from './gpu_tensor.js';
import type { KernelDevice } from './kernel_device.js';
import { runElementwiseGpu } from './kernels/elementwise.js';
import { WEBGPU_KERNELS } from './kernels/index.js';
import type { AsyncGpuKernel, GpuKernel, GpuKernelArgs, KernelVariables } from './kernels/kernel.js';
import { matMulInto } from './kernels/matmul.js';

/** Where a dispatch allocates, uploads and finds variables: a run on the device, or a recording. */
export interface DispatchEnv {
  readonly gpu: KernelDevice;
  readonly variables: KernelVariables;
  /** A buffer owned by the run (released at its end unless freed before). */
  alloc(dtype: DType, shape: readonly number[]): GpuTensor;
  upload(x: NDArray): GpuTensor;
  /** Makes a kernel's output the run's to release. */
  track(t: GpuTensor): GpuTensor;
  free(t: GpuTensor): void;
  constant(value: NDArray): GpuTensor;
}

/** A dispatch on `env`: the run's device, or the recorder that states a plan's pipelines. */
export function dispatchGpu(env: DispatchEnv, d: Dispatch<GpuTensor>): GpuTensor[] | Promise<GpuTensor[]> {
  const gpu = env.gpu;
  const low = d.def.lowering;
  switch (low.kind) {
    case 'elementwise': {
      const o = d.outputs[0];
      const { expr, inputs } = deviceOperands(low.expr(d.attrs), d.inputs, d.host, (x) => env.upload(x));
      // an input's buffer cannot also be the output binding of the same launch
      const out = d.out && !inputs.includes(d.out) ? d.out : env.alloc(o.dtype, o.shape);
      return [runElementwiseGpu(gpu, expr, inputs, o.dtype, o.shape, out)];
    }
    case 'routine': {
      const k = routine(low.routine, d.ctx);
      const kargs = args(env, d.inputs, d.host, d.attrs, d.outputs, d.ctx);
      if ('async' in k) return k.async(kargs).then((ts) => ts.map((t) => env.track(t)));
      return k(kargs).map((t) => env.track(t));
    }
    case 'epilogue': {
      const inputs = d.inputs as readonly GpuTensor[];
      const o = d.outputs[0];
      if (low.routine === 'MatMul') {
        // the epilogue runs in the gemm's store
        const out = env.alloc(o.dtype, o.shape);
        matMulInto(gpu, inputs[0], inputs[1], out, d.attrs, { expr: low.epilogue, extra: inputs.slice(low.arity) });
        return [out];
      }
      // Conv2D: the direct kernel, then the epilogue as one generated elementwise launch
      const conv = routine(low.routine, d.ctx);
      if ('async' in conv) throw new InternalError(`'${d.ctx.opName}' (${d.ctx.opType}): the epilogue's main routine ${low.routine} is not a recording kernel`);
      const [main] = conv(args(env, inputs.slice(0, low.arity), d.host.slice(0, low.arity), d.attrs, d.outputs, d.ctx)).map((t) => env.track(t));
      const out = env.alloc(o.dtype, o.shape);
      runElementwiseGpu(gpu, low.epilogue, [main, ...inputs.slice(low.arity)], o.dtype, o.shape, out);
      env.free(main);
      return [out];
    }
    default:
      throw new InternalError(`'${d.ctx.opName}' (${d.ctx.opType}): the ${low.kind} lowering cannot run on WebGPU`);
  }
}

function args(env: DispatchEnv, inputs: readonly (GpuTensor | null)[], host: readonly (NDArray | null)[], attrs: AttrMap, outputs: readonly ResolvedOutput[], ctx: KernelContext): GpuKernelArgs {
  return { gpu: env.gpu, inputs, host, attrs, outputs, ctx, variables: env.variables, constant: env.constant };
}

function routine(name: RoutineName, ctx: KernelContext): GpuKernel | AsyncGpuKernel {
  const k = WEBGPU_KERNELS[name];
  if ('unsupported' in k) throw new UnimplementedError(`No WebGPU kernel for '${ctx.opName}' (${ctx.opType}): ${k.unsupported}`);
  return k;
}

/**
 * The device operands of an elementwise launch: the inputs the expression reads, renumbered. A
 * host-memory input (BroadcastTo's shape) is not bound unless the expression reads it, in which
 * case its (small) host value is uploaded.
 */
function deviceOperands(expr: ScalarExpr, inputs: readonly (GpuTensor | null)[], host: readonly (NDArray | null)[], upload: (x: NDArray) => GpuTensor): { expr: ScalarExpr; inputs: GpuTensor[] } {
  if (!inputs.includes(null)) return { expr, inputs: inputs as GpuTensor[] };
  const used = [...exprArgs(expr)].sort((a, b) => a - b);
  const operands = used.map((i) => inputs[i] ?? upload(host[i]!));
  const remap = inputs.map((_x, i) => arg(Math.max(0, used.indexOf(i))));
  return { expr: substitute(expr, remap), inputs: operands };
}
