import type { AttrMap, DataArray, DType, NDArray } from '../../graph/ir/index.js';
import type { KernelContext, OpDef, ResolvedOutput } from '../../ops/op_def.js';
import type { Backend, Dispatch, KernelChoice, StagedFeed } from '../backend.js';
import { ANY_TARGET } from '../../graph/passes/pass.js';
import { reduceElementwise, runElementwise } from './elementwise_kernel.js';
import { allocData, broadcastShapes, InternalError, NDArray as Arr, sizeOf, UnimplementedError } from '../../graph/ir/index.js';
import type { RoutineName } from '../../ops/lowering.js';
import { CPU_KERNELS } from './kernels/index.js';
import { withOwnedOutput } from './kernels/alloc.js';
import { fusedConv2D } from './kernels/fused_conv.js';
import type { CpuKernel } from './kernels/kernel.js';
import { resolveKernelMode, withWasmKernels } from './wasm/kernel_mode.js';
import type { CpuKernelMode } from './wasm/kernel_mode.js';
import { residentBuffers } from './resident_buffers.js';
import { stageInHeap } from './feed_staging.js';
import { freshData } from './fresh_data.js';
import { wasmHeap } from './wasm/heap.js';
import { forgetMirror } from './wasm/mirrors.js';
import type { ResidentBuffers } from './resident_buffers.js';
import { variableBlocks, withVariableBlocks } from './variable_blocks.js';
import type { VariableBlocks } from './variable_blocks.js';
import { resolveThreads, withKernelThreads } from './wasm/threads.js';

export interface CpuBackendOptions {
  /** 'auto' (default): WebAssembly SIMD kernels where the engine has SIMD, else the JS ones. */
  readonly kernels?: CpuKernelMode;
  /**
   * 'auto' (default): the buffers the memory plan recycles live in WebAssembly memory (an arena
   * over the kernels' heap) when the wasm kernels run and that memory is shared; 'off': always JS
   * arrays. See docs/runtime.md, "The CPU backend's memory".
   */
  readonly memory?: 'auto' | 'off';
  /**
   * Threads the WebAssembly kernels split gemm, convolution, pooling and large elementwise work
   * over (this one and worker threads over the shared wasm memory). Default: the number of cores;
   * 1 runs no workers. One thread where shared memory is unavailable (see docs/runtime.md).
   */
  readonly threads?: number;
}

const EMPTY = Arr.zeros('float32', [0]);

/**
 * Runs ops on the host with TypedArray kernels; elementwise ops run as generated loops. Its
 * buffers are NDArrays, so uploads and read-backs are free and the host path makes no copies.
 * String tensors are NDArrays holding one Uint8Array per element (`NDArray.bytes`): TF strings
 * are bytes, and a byte string goes to a checkpoint, a file name or an event file unchanged.
 */
export class CpuBackend implements Backend<NDArray> {
  readonly name = 'cpu';
  readonly device = '/device:CPU:0';
  readonly deviceType = 'CPU';
  readonly hostResident = true;
  readonly lowerings = ANY_TARGET.lowerings;
  // buffers freed during the current run, by dtype and length, for the steps that reuse them
  private readonly pool = new Map<string, DataArray[]>();
  /** Whether its kernels may use WebAssembly SIMD (decided once, from the option and the engine). */
  readonly wasm: boolean;
  /** Where its recycled float32/int32 buffers live: arena blocks in wasm memory, or null (JS arrays). */
  readonly resident: ResidentBuffers | null;

  /** Where the optimizer updates put variables' new values: arena blocks (with `resident`), or null. */
  private readonly variableBlocks: VariableBlocks | null;

  /** Threads its wasm kernels may use (the option, checked, or the number of cores). */
  readonly threads: number;

  constructor(options: CpuBackendOptions = {}) {
    this.wasm = resolveKernelMode(options.kernels);
    this.resident = this.wasm && options.memory !== 'off' ? residentBuffers() : null;
    this.variableBlocks = this.resident ? variableBlocks() : null;
    this.threads = resolveThreads(options.threads, 'CpuBackend');
  }

  kernelFor(def: OpDef, nodeType: string): KernelChoice {
    const low = def.lowering;
    switch (low.kind) {
      case 'elementwise':
        return { kernel: nodeType === 'FusedElementwise' ? 'fused_elementwise' : 'elementwise' };
      case 'routine': {
        const k = CPU_KERNELS[low.routine];
        return 'unsupported' in k ? k : { kernel: low.routine };
      }
      case 'epilogue':
      case 'elementwise-reduce':
      case 'grouped':
        // compiler-built nodes: named by their type (_FusedMatMul, _FusedReduce, _GroupedApply)
        return { kernel: nodeType };
      case 'none':
        return { unsupported: low.reason };
    }
  }

  alloc(dtype: DType, shape: readonly number[], runScoped = false): NDArray {
    // string buffers are element lists the kernels build; nothing to pool or reuse
    if (dtype === 'string') return Arr.zeros(dtype, shape);
    const size = sizeOf(shape);
    // only a value that dies within the run may live in an arena block (taken back at endRun)
    const inHeap = runScoped ? this.resident?.alloc(dtype, size) : null;
    if (inHeap) return new Arr(dtype, shape, inHeap);
    // contents undefined, as promised: a large float32 buffer is not zeroed (fresh_data.ts)
    const data = this.pool.get(`${dtype}:${size}`)?.pop() ?? freshData(dtype, size);
    // a pooled buffer is written again: a wasm copy of what it held before is stale
    forgetMirror(data);
    return new Arr(dtype, shape, data);
  }

  isRunScoped(b: NDArray): boolean {
    return b.dtype !== 'string' && this.resident !== null && this.resident.holds(b.data);
  }

  upload(x: NDArray): NDArray {
    return x;
  }

  read(b: NDArray): Promise<NDArray> {
    return Promise.resolve(b);
  }

  free(b: NDArray): void {
    if (b.dtype === 'string' || this.resident?.free(b.data)) return;
    const k = `${b.dtype}:${b.data.length}`;
    const list = this.pool.get(k);
    if (list) list.push(b.data);
    else this.pool.set(k, [b.data]);
  }

  stageFeed(value: NDArray): StagedFeed | null {
    return this.resident ? stageInHeap(wasmHeap(), value) : null;
  }

  endRun(): void {
    this.pool.clear();
    this.resident?.endRun();
  }

  retireVariableValues(values: readonly NDArray[], kept: ReadonlySet<object>): void {
    this.variableBlocks?.retire(values, kept);
  }

  dispatch(d: Dispatch<NDArray>): NDArray[] {
    let inputs = d.inputs as readonly NDArray[];
    // ref inputs arrive as null (a kernel reads the variable through ctx); kernels expect arrays
    if (d.inputs.includes(null)) inputs = d.inputs.map((x, i) => x ?? d.host[i] ?? EMPTY);
    // the step writes into `out` (an input's buffer or a pooled one)
    if (d.out && d.out.dtype !== 'string') forgetMirror(d.out.data);
    const run = (): NDArray[] => this.runOp(d.def, inputs, d.attrs, d.outputs, d.ctx, d.out?.data);
    const resident = this.resident;
    // a run-scoped output goes into an arena block the kernel's alloc takes (kernels/alloc.ts)
    const call = resident && d.runScoped && d.outputs.length === 1 ? () => withOwnedOutput(d.outputs[0], (dtype, size) => resident.alloc(dtype, size), run) : run;
    return withWasmKernels(this.wasm, () => withKernelThreads(this.threads, () => withVariableBlocks(this.variableBlocks, call)));
  }

  runOp(def: OpDef, inputs: readonly NDArray[], attrs: AttrMap, outputs: readonly ResolvedOutput[], ctx: KernelContext, out?: DataArray): NDArray[] {
    const low = def.lowering;
    switch (low.kind) {
      case 'elementwise': {
        const o = outputs[0];
        return [runElementwise(low.expr(attrs), inputs, o.dtype, o.shape, out)];
      }
      case 'routine':
        return routine(low.routine, ctx)(inputs, attrs, outputs, ctx);
      case 'epilogue': {
        // a conv whose bias (and relu) the direct wasm conv applies as it stores, in one pass
        const fused = low.routine === 'Conv2D' ? fusedConv2D(inputs, attrs, outputs[0], low.epilogue) : null;
        if (fused) return [fused];
        const [main] = routine(low.routine, ctx)(inputs.slice(0, low.arity), attrs, outputs, ctx);
        return [runElementwise(low.epilogue, [main, ...inputs.slice(low.arity)], main.dtype, main.shape, main.data)];
      }
      case 'elementwise-reduce': {
        // the elementwise values' shape: the inputs broadcast together
        let shape: number[] = [];
        for (const x of inputs) shape = broadcastShapes(shape, [...x.shape], 'FusedReduce') as number[];
        const o = outputs[0];
        const mode = low.reduction === 'mean' ? 'sum' : low.reduction;
        let v = reduceElementwise(low.expr, inputs, o.dtype, shape, mode);
        if (low.reduction === 'mean') v /= sizeOf(shape);
        const data = allocData(o.dtype, 1);
        data[0] = v;
        return [new Arr(o.dtype, o.shape, data)];
      }
      case 'grouped':
        // each member's update in order, on its slice of the inputs and outputs
        return low.members.flatMap((m) => {
          const memberCtx: KernelContext = { ...ctx, opName: m.name, opType: m.def.type, refName: (i) => ctx.refName(m.inputStart + i) };
          return this.runOp(m.def, inputs.slice(m.inputStart, m.inputStart + m.inputCount), m.attrs as AttrMap, outputs.slice(m.outputStart, m.outputStart + m.outputCount), memberCtx);
        });
      case 'none':
        throw new InternalError(`'${ctx.opName}' (${ctx.opType}) cannot run: ${low.reason}`);
    }
  }
}

/** The table's kernel for a routine; placement refuses unsupported ones before a run starts. */
function routine(name: RoutineName, ctx: KernelContext): CpuKernel {
  const k = CPU_KERNELS[name];
  if ('unsupported' in k) throw new UnimplementedError(`No CPU kernel for '${ctx.opName}' (${ctx.opType}): ${k.unsupported}`);
  return k;
}
