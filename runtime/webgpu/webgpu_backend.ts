import { DType, FailedPreconditionError, InternalError, NDArray, UnavailableError } from '../../graph/ir/index.js';
import type { LoweringKind } from '../../ops/lowering.js';
import type { OpDef } from '../../ops/op_def.js';
import type { Backend, Dispatch, KernelChoice, NodeDTypes, PrecompileReport, StaticStep } from '../backend.js';
import { acquireDevice, AcquiredDevice } from './device.js';
import type { LiveBuffers } from './buffer_pool.js';
import { dispatchGpu, DispatchEnv } from './dispatch_gpu.js';
import { GpuContext, PipelineStats } from './gpu_context.js';
import type { GpuTensor } from './gpu_tensor.js';
import { ResidentVariables } from './resident_variables.js';
import { WEBGPU_KERNELS } from './kernels/index.js';
import { PipelineRecorder } from './pipeline_recorder.js';
import { recordStep } from './record_step.js';
import { gpuDType } from './wgsl_types.js';

const LOWERINGS: ReadonlySet<LoweringKind> = new Set<LoweringKind>(['elementwise', 'routine', 'epilogue', 'none']);

export interface WebGpuBackendOptions {
  /** Acquires the device (tests pass one that fails or loses its device). Default: `acquireDevice`. */
  readonly acquire?: () => Promise<AcquiredDevice>;
  /** Free pooled bytes kept for reuse between and within runs (default 1 GiB). */
  readonly poolKeepBytes?: number;
}

/**
 * The WebGPU device (`'/device:GPU:0'`). The device is acquired on the first run (`prepare`; the
 * session constructor stays synchronous, as TF's), and again after a device loss. A run records its
 * launches into one command encoder; buffers come from a pool (the memory plan's frees return them
 * within the run, everything else the run made returns at its end); variables stay on the device
 * between runs (`residentVariables`); constants are uploaded once.
 */
export class WebGpuBackend implements Backend<GpuTensor> {
  readonly name = 'webgpu';
  readonly device = '/device:GPU:0';
  readonly deviceType = 'GPU';
  readonly hostResident = false;
  readonly lowerings = LOWERINGS;
  private gpu: GpuContext | null = null;
  private variables: ResidentVariables | null = null;
  private readonly acquire: () => Promise<AcquiredDevice>;
  private readonly poolKeepBytes: number | undefined;
  private closed = false;
  private readonly runTensors = new Set<GpuTensor>();
  private constants = new WeakMap<NDArray, GpuTensor>();
  private readonly constantList: GpuTensor[] = [];
  private env: DispatchEnv | null = null;

  constructor(options: WebGpuBackendOptions = {}) {
    this.acquire = options.acquire ?? acquireDevice;
    this.poolKeepBytes = options.poolKeepBytes;
  }

  get residentVariables(): ResidentVariables | undefined {
    return this.variables ?? undefined;
  }

  /** The adapter's description once acquired (bench notes), else null. */
  get adapterDescription(): string | null {
    return this.gpu?.description ?? null;
  }

  /** Live GPU buffers (storage, pooled and in use, and uniforms): what the leak test watches. */
  get liveBuffers(): LiveBuffers {
    return this.gpu?.live ?? { count: 0, bytes: 0 };
  }

  get pipelineCount(): number {
    return this.gpu?.pipelineCount ?? 0;
  }

  /** How the device's pipelines were built: ahead (precompile) or by a launch that needed one. */
  get pipelineStats(): PipelineStats {
    return this.gpu?.pipelineStats ?? { cached: 0, precompiled: 0, builtAtLaunch: 0 };
  }

  /**
   * Builds the pipelines of a new plan's static steps before its first run: each step's kernel runs
   * on a PipelineRecorder (the same code as a launch, on the plan's types: the keys cannot differ),
   * then every pipeline not cached yet is compiled at once (createComputePipelineAsync). A step
   * the recorder cannot run (a kernel that reads values back, a check that fails on these types:
   * the run reports it) is left to compile at its first launch, as are steps with unknown dims.
   */
  async precompile(steps: readonly StaticStep[], unknown: number): Promise<PrecompileReport> {
    if (!this.gpu) await this.prepare();
    const gpu = this.gpu!;
    // a lost device is replaced, and reported, by the run's own prepare
    if (gpu.lostReason !== null) return { steps: 0, deferred: steps.length + unknown, kernels: 0, built: 0 };
    const rec = new PipelineRecorder();
    let recorded = 0;
    for (const s of steps) if (recordStep(rec, s)) recorded++;
    const specs = rec.pipelines;
    const built = await gpu.precompile(specs);
    return { steps: recorded, deferred: steps.length - recorded + unknown, kernels: specs.length, built };
  }

  /**
   * Acquires the device before the first run, and a new one after a loss. After a loss the run
   * fails once with an UnavailableError that names the variables whose only value was on the lost
   * device (the session forgets them: restore or re-initialize); later runs use the new device.
   */
  async prepare(): Promise<void> {
    if (this.closed) throw new FailedPreconditionError('The WebGPU backend was closed (its session was closed): its device and buffers are destroyed');
    if (this.gpu && this.gpu.lostReason === null) {
      // a validation error left by the previous run (one without a read back) is reported now
      this.gpu.check('the previous run');
      return;
    }
    const old = this.gpu;
    const next = new GpuContext(await this.acquire(), this.poolKeepBytes);
    this.gpu = next;
    if (!old) {
      this.variables = new ResidentVariables(next, (t) => this.track(t));
      return;
    }
    old.pool.reset();
    this.runTensors.clear();
    this.constants = new WeakMap();
    this.constantList.length = 0;
    const gone = this.variables!.deviceLost(next);
    throw new UnavailableError(
      `WebGPU device lost (${old.lostReason}); a new device was acquired for the next run.` +
        (gone.length > 0 ? ` Variables held only on the lost device are gone: ${gone.join(', ')} (restore them from a checkpoint or run their initializers).` : ''),
    );
  }

  /**
   * Destroys the device and every buffer this backend holds (variables, constants, the pool's and
   * the uniforms): the session that owns it was closed. Variables that lived only here are gone,
   * as they are when a TF session closes. A later run fails; a new session makes a new device.
   */
  close(): void {
    this.closed = true;
    const gpu = this.gpu;
    if (!gpu) return;
    this.variables?.clear();
    this.variables?.discard();
    this.endRun();
    for (const t of this.constantList) gpu.release(t);
    this.constantList.length = 0;
    this.constants = new WeakMap();
    gpu.destroy();
  }

  /** Waits until the device finished what was submitted (benchmarks time whole runs with it). */
  async idle(): Promise<void> {
    await this.gpu?.idle();
  }

  kernelFor(def: OpDef, nodeType: string, dtypes?: NodeDTypes): KernelChoice {
    const low = def.lowering;
    // a resource handle carries no data (the plan resolves the variable it names)
    const bad = dtypes && [...dtypes.inputs, ...dtypes.outputs].find((d) => d !== 'resource' && !gpuDType(d));
    if (bad) return { unsupported: `dtype ${bad} has no WGSL storage type` };
    switch (low.kind) {
      case 'elementwise':
        return { kernel: nodeType === 'FusedElementwise' ? 'wgsl_fused_elementwise' : 'wgsl_elementwise' };
      case 'routine': {
        const k = WEBGPU_KERNELS[low.routine];
        return 'unsupported' in k ? k : { kernel: low.routine };
      }
      case 'epilogue':
        return { kernel: nodeType };
      case 'elementwise-reduce':
      case 'grouped':
        return { unsupported: `the ${low.kind} lowering has no WebGPU kernel (the compiler does not build it for this backend)` };
      case 'none':
        return { unsupported: low.reason };
    }
  }

  alloc(dtype: DType, shape: readonly number[]): GpuTensor {
    return this.track(this.ctx('alloc').alloc(dtype, shape, `a ${dtype} buffer of shape [${shape.join(',')}]`));
  }

  upload(x: NDArray): GpuTensor {
    return this.track(this.ctx('upload').upload(x, `an upload of shape [${x.shape.join(',')}]`));
  }

  read(b: GpuTensor): Promise<NDArray> {
    return this.ctx('read').read(b);
  }

  free(b: GpuTensor): void {
    if (b.owner !== 'run' || !this.runTensors.delete(b)) return;
    this.gpu?.release(b);
  }

  endRun(): void {
    const gpu = this.gpu;
    if (!gpu) return;
    gpu.endRun();
    for (const t of this.runTensors) if (t.owner === 'run') gpu.release(t);
    this.runTensors.clear();
  }

  dispatch(d: Dispatch<GpuTensor>): GpuTensor[] | Promise<GpuTensor[]> {
    const gpu = this.ctx(`'${d.ctx.opName}' (${d.ctx.opType})`);
    gpu.check(`'${d.ctx.opName}' (${d.ctx.opType})`);
    return dispatchGpu(this.runEnv(gpu), d);
  }

  /** The run's side of a dispatch: the device, buffers tracked for the run's end, the variable store. */
  private runEnv(gpu: GpuContext): DispatchEnv {
    if (this.env?.gpu !== gpu) {
      this.env = {
        gpu,
        variables: this.variables!,
        alloc: (dtype, shape) => this.alloc(dtype, shape),
        upload: (x) => this.upload(x),
        track: (t) => this.track(t),
        free: (t) => this.free(t),
        constant: (v) => this.constant(gpu, v),
      };
    }
    return this.env;
  }

  private constant(gpu: GpuContext, value: NDArray): GpuTensor {
    let t = this.constants.get(value);
    if (!t) {
      t = gpu.upload(value, 'a constant');
      t.owner = 'constant';
      this.constants.set(value, t);
      this.constantList.push(t);
    }
    return t;
  }

  private track(t: GpuTensor): GpuTensor {
    if (t.owner === 'run') this.runTensors.add(t);
    return t;
  }

  private ctx(what: string): GpuContext {
    if (!this.gpu) throw new InternalError(`WebGPU backend used before its device was acquired (${what}); the executor calls prepare() first`);
    if (this.closed) throw new FailedPreconditionError(`The WebGPU backend was closed (its session was closed): ${what} has no device`);
    return this.gpu;
  }

}

