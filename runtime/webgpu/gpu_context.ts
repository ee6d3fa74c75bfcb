import type { GpuBufferHandle, GpuCommandEncoder, GpuComputePipeline, GpuDevice } from './gpu_globals.js';
import { DType, InternalError, NDArray, UnavailableError, sizeOf } from '../../graph/ir/index.js';
import { AcquiredDevice } from './device.js';
import { BufferPool, LiveBuffers, sizeClass } from './buffer_pool.js';
import { gpuTensor, GpuTensor } from './gpu_tensor.js';
import { GPU_WORD_BYTES, wgslStorageType } from './wgsl_types.js';
import type { KernelDevice, Launch } from './kernel_device.js';

/** Uploads up to this many elements keep their host value (see GpuTensor.hostCopy). */
const HOST_COPY_ELEMENTS = 1024;

/** A pipeline by its cache key and source, as a launch states it (see PipelineRecorder). */
export type PipelineSpec = Pick<Launch, 'key' | 'source'>;

export interface PipelineStats {
  /** Pipelines in the cache. */
  readonly cached: number;
  /** Built by `precompile`, before any launch needed them. */
  readonly precompiled: number;
  /** Built synchronously by the launch that first needed them. */
  readonly builtAtLaunch: number;
}

/**
 * The device side of the WebGPU backend: the device, the buffer pool, the pipeline cache and the
 * run's command encoder. Every launch of a run is recorded into one encoder, submitted when a value
 * must come back to the host (a read) or the run ends, so a run is one command stream unless it
 * reads back in the middle. Uploads go through `queue.writeBuffer`, which the queue orders before
 * commands not yet submitted: an upload while commands are recorded submits them first, so a pooled
 * buffer is never overwritten before an earlier recorded launch has read it.
 */
export class GpuContext implements KernelDevice {
  readonly device: GpuDevice;
  /** The GPU instance the device came from, kept alive as long as the device (see AcquiredDevice). */
  private readonly instance: AcquiredDevice['gpu'];
  readonly pool: BufferPool;
  readonly description: string;
  private readonly maxWorkgroups: number;
  private readonly maxBinding: number;
  private readonly pipelines = new Map<string, GpuComputePipeline>();
  /** Pipelines built by `precompile` and, apart, by a launch that found its key missing. */
  private builtAhead = 0;
  private builtAtLaunch = 0;
  private encoder: GpuCommandEncoder | null = null;
  private recorded = 0;
  /** Uniform buffers written this run: none is reused before the run's commands are submitted. */
  private readonly uniformsInUse: GpuBufferHandle[] = [];
  private readonly uniformsFree = new Map<number, GpuBufferHandle[]>();
  private uniformCount = 0;
  private uniformBytes = 0;
  lostReason: string | null = null;
  /** Set where the device is shared: destroy() releases this context's share instead. */
  private readonly releaseDevice: (() => void) | undefined;
  private firstError: string | null = null;
  private scopeOpen = false;

  /** `keepBytes`: free pooled bytes kept for reuse (tests force the pool over it). */
  constructor(acquired: AcquiredDevice, keepBytes?: number) {
    this.device = acquired.device;
    this.instance = acquired.gpu;
    this.description = acquired.description;
    this.releaseDevice = acquired.release;
    this.maxWorkgroups = acquired.maxWorkgroupsPerDimension;
    this.maxBinding = acquired.maxStorageBindingSize;
    this.pool = new BufferPool(acquired.device, acquired.maxBufferSize, keepBytes);
    void this.device.lost.then((info) => {
      this.lostReason = `${info.reason}: ${info.message}`;
    });
    // validation errors are caught by an error scope per run (see scope/endRun/read): Dawn for
    // Node crashes dispatching 'uncapturederror' events, so no listener is installed
  }

  /** Fails with a typed error when the device is gone or reported an error. */
  check(where: string): void {
    if (this.lostReason !== null) throw new UnavailableError(`WebGPU device lost (${this.lostReason}) during ${where}; the session's next run acquires a new device`);
    if (this.firstError !== null) {
      const msg = this.firstError;
      this.firstError = null;
      throw new InternalError(`WebGPU reported an error during ${where}: ${msg}`);
    }
  }

  /** Live storage buffers, pooled and in use, plus the uniform buffers kept for reuse. */
  get live(): LiveBuffers {
    const p = this.pool.live;
    return { count: p.count + this.uniformCount, bytes: p.bytes + this.uniformBytes };
  }

  get adapterInstance(): AcquiredDevice['gpu'] {
    return this.instance;
  }

  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /** How the cached pipelines were built: ahead of their first launch, or by it (a compile stall). */
  get pipelineStats(): PipelineStats {
    return { cached: this.pipelines.size, precompiled: this.builtAhead, builtAtLaunch: this.builtAtLaunch };
  }

  /**
   * Builds the pipelines of `specs` not cached yet, all at once with createComputePipelineAsync (the
   * driver compiles them in parallel, off the thread that records runs), and caches them by key.
   * Resolves to how many were built. A shader the device rejects fails with the key that made it.
   */
  async precompile(specs: Iterable<PipelineSpec>): Promise<number> {
    const todo = new Map<string, PipelineSpec>();
    for (const s of specs) if (!this.pipelines.has(s.key)) todo.set(s.key, s);
    const built = await Promise.all(
      [...todo.values()].map(async (s) => {
        const module = this.device.createShaderModule({ code: s.source() });
        try {
          return [s.key, await this.device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } })] as const;
        } catch (e) {
          throw new InternalError(`WebGPU could not build the pipeline '${s.key}' ahead of its run: ${e instanceof Error ? e.message : String(e)}`);
        }
      }),
    );
    let n = 0;
    for (const [key, p] of built) {
      // a run between the await and here may have built it at launch: the first one stays
      if (this.pipelines.has(key)) continue;
      this.pipelines.set(key, p);
      n++;
    }
    this.builtAhead += n;
    return n;
  }

  /** Opens the run's validation error scope on the first device call that could fail. */
  private scope(): void {
    if (this.scopeOpen) return;
    this.device.pushErrorScope('validation');
    this.scopeOpen = true;
  }

  /** Closes the error scope; a validation error in it fails the caller (a read) or the next check. */
  private closeScope(): Promise<void> {
    if (!this.scopeOpen) return Promise.resolve();
    this.scopeOpen = false;
    return this.device.popErrorScope().then((e) => {
      if (e) this.firstError ??= e.message;
    });
  }

  alloc(dtype: DType, shape: readonly number[], what: string): GpuTensor {
    const n = sizeOf(shape);
    const bytes = Math.max(n, 1) * GPU_WORD_BYTES;
    if (bytes > this.maxBinding) throw new UnavailableError(`WebGPU: ${what} needs ${bytes} bytes in one binding; the device allows ${this.maxBinding} (maxStorageBufferBindingSize)`);
    return gpuTensor(dtype, shape, this.pool.acquire(bytes, what));
  }

  /** The tensor's buffer goes back to the pool; a recorded launch may still read it (see BufferPool.release). */
  release(t: GpuTensor): void {
    this.pool.release(t.buffer, this.encoder !== null);
  }

  upload(x: NDArray, what: string): GpuTensor {
    this.scope();
    const t = this.alloc(x.dtype, x.shape, what);
    if (this.recorded > 0) this.submit();
    const words = toWords(x);
    if (words.byteLength > 0) this.device.queue.writeBuffer(t.buffer, 0, words.buffer, words.byteOffset, words.byteLength);
    if (x.size <= HOST_COPY_ELEMENTS) t.hostCopy = x.clone();
    return t;
  }

  /** Reads a tensor back: submits what is recorded, copies into a staging buffer, maps it. */
  async read(t: GpuTensor): Promise<NDArray> {
    this.check('a read back');
    if (t.hostCopy) return t.hostCopy.clone();
    const bytes = t.size * GPU_WORD_BYTES;
    if (bytes === 0) return NDArray.zeros(t.dtype, t.shape);
    this.scope();
    const staging = this.device.createBuffer({ size: sizeClass(bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      this.encoderNow().copyBufferToBuffer(t.buffer, 0, staging, 0, bytes);
      this.recorded++;
      this.submit();
      // what the run recorded so far is checked before its result is trusted
      await this.closeScope();
      this.check('a read back');
      await staging.mapAsync(GPUMapMode.READ, 0, bytes);
      this.check('a read back');
      return fromWords(t.dtype, t.shape, staging.getMappedRange(0, bytes));
    } finally {
      staging.destroy();
    }
  }

  copy(src: GpuTensor, dst: GpuTensor, words: number): void {
    if (words <= 0) return;
    this.encoderNow().copyBufferToBuffer(src.buffer, 0, dst.buffer, 0, words * GPU_WORD_BYTES);
    this.recorded++;
  }

  launch(l: Launch): void {
    if (l.workgroups <= 0) return;
    this.scope();
    const pipeline = this.pipeline(l.key, l.source);
    const entries: GPUBindGroupEntry[] = [];
    let b = 0;
    for (const t of [...l.inputs, ...l.outputs]) entries.push({ binding: b++, resource: { buffer: t.buffer, size: Math.max(t.size, 1) * GPU_WORD_BYTES } });
    const words = l.params ?? [];
    const u = this.uniform(words);
    entries.push({ binding: b, resource: { buffer: u } });
    const group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const x = Math.min(l.workgroups, this.maxWorkgroups);
    const y = Math.ceil(l.workgroups / x);
    const pass = this.encoderNow().beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    this.recorded++;
  }

  /** Submits what is recorded (a read back or the end of a run). */
  submit(): void {
    if (!this.encoder) return;
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.recorded = 0;
    this.pool.afterSubmit();
  }

  /** The run ended: submit, and let the run's uniform buffers be reused by the next one. */
  endRun(): void {
    this.submit();
    // an error here fails the next read or check (the run itself already returned)
    void this.closeScope();
    for (const u of this.uniformsInUse) {
      const list = this.uniformsFree.get(u.size);
      if (list) list.push(u);
      else this.uniformsFree.set(u.size, [u]);
    }
    this.uniformsInUse.length = 0;
  }

  /** Submitted work is done (tests and benchmarks time whole runs with it). */
  async idle(): Promise<void> {
    this.submit();
    await this.device.queue.onSubmittedWorkDone();
  }

  /**
   * Destroys (or, when shared, releases) the device, and the buffers the context still holds: the pool's free ones and the
   * uniforms. Buffers in use must have been released first (the backend's close does), so that
   * `live` ends at zero.
   */
  destroy(): void {
    this.submit();
    this.pool.trim();
    for (const u of [...this.uniformsInUse, ...[...this.uniformsFree.values()].flat()]) u.destroy();
    this.uniformsInUse.length = 0;
    this.uniformsFree.clear();
    this.uniformCount = 0;
    this.uniformBytes = 0;
    if (this.releaseDevice) this.releaseDevice();
    else this.device.destroy();
  }

  private encoderNow(): GpuCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private pipeline(key: string, source: () => string): GpuComputePipeline {
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ code: source() });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(key, p);
      this.builtAtLaunch++;
    }
    return p;
  }

  private uniform(words: readonly number[]): GpuBufferHandle {
    // a uniform array of vec4<u32>: at least one vec4, whole vec4s
    const n = Math.max(4, Math.ceil(words.length / 4) * 4);
    const size = sizeClass(n * 4);
    const u = this.uniformsFree.get(size)?.pop() ?? this.newUniform(size);
    const data = new Uint32Array(n);
    for (let i = 0; i < words.length; i++) data[i] = words[i] >>> 0;
    this.device.queue.writeBuffer(u, 0, data.buffer, 0, data.byteLength);
    this.uniformsInUse.push(u);
    return u;
  }

  private newUniform(size: number): GpuBufferHandle {
    this.uniformCount++;
    this.uniformBytes += size;
    return this.device.createBuffer({ size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }
}

/** Host data as the device's 4-byte words (bools widen to u32 0/1). */
function toWords(x: NDArray): Float32Array | Int32Array | Uint32Array {
  if (x.dtype === 'bool') return Uint32Array.from(x.data as Uint8Array);
  return x.data as Float32Array | Int32Array;
}

function fromWords(dtype: DType, shape: readonly number[], mapped: ArrayBuffer): NDArray {
  wgslStorageType(dtype);
  const n = sizeOf(shape);
  if (dtype === 'float32') return new NDArray(dtype, shape, new Float32Array(mapped.slice(0, n * 4)));
  if (dtype === 'bool') return new NDArray(dtype, shape, Uint8Array.from(new Uint32Array(mapped, 0, n), (v) => (v !== 0 ? 1 : 0)));
  return new NDArray(dtype, shape, new Int32Array(mapped.slice(0, n * 4)));
}
