import { InternalError } from '../../graph/ir/index.js';
import type { KernelContext } from '../../ops/op_def.js';
import type { StaticStep } from '../backend.js';
import { dispatchGpu, DispatchEnv } from './dispatch_gpu.js';
import type { GpuTensor } from './gpu_tensor.js';
import { WEBGPU_KERNELS } from './kernels/index.js';
import type { PipelineRecorder } from './pipeline_recorder.js';

/**
 * Runs one static step's kernel on the recorder, which keeps the pipelines it launches; false when
 * the step cannot be stated ahead (a kernel that reads back, a check that fails on these types:
 * the run reports it).
 */
export function recordStep(rec: PipelineRecorder, s: StaticStep): boolean {
  const low = s.def.lowering;
  if (low.kind === 'routine' && 'async' in WEBGPU_KERNELS[low.routine]) return false;
  const inputs = s.inputs.map((t, i) => (s.refs[i] !== null || s.host[i] !== null ? null : rec.alloc(t.dtype, t.shape)));
  const typeOf = (name: string): GpuTensor => {
    const i = s.refs.indexOf(name);
    const t = i >= 0 ? s.inputs[i] : name === s.ctx.opName ? s.outputs[0] : null;
    if (!t) throw new InternalError(`'${s.ctx.opName}' (${s.ctx.opType}) reads variable '${name}', which is none of its refs`);
    return rec.alloc(t.dtype, t.shape);
  };
  const env: DispatchEnv = {
    gpu: rec,
    variables: { read: typeOf, write: () => undefined, current: (name) => typeOf(name), forget: () => undefined },
    alloc: (dtype, shape) => rec.alloc(dtype, shape),
    upload: (x) => rec.upload(x),
    track: (t) => t,
    free: () => undefined,
    constant: (v) => rec.upload(v),
  };
  const ctx: KernelContext = {
    ...s.ctx,
    variables: { read: () => undefined, write: () => undefined, delete: () => undefined },
    refName: (i) => {
      const r = s.refs[i];
      if (r === null) throw new InternalError(`Input ${i} of '${s.ctx.opName}' is not a ref input`);
      return r;
    },
    runCounter: 0,
    sessionSeed: 0,
  };
  try {
    const r = dispatchGpu(env, { def: s.def, attrs: s.attrs, kernel: s.kernel, inputs, host: s.host, outputs: s.outputs, ctx });
    if (r instanceof Promise) {
      r.catch(() => undefined);
      return false;
    }
    return true;
  } catch {
    return false;
  }
}
