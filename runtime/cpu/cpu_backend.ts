import type { AttrMap, DataArray, DType, NDArray } from '../../graph/ir/index.js';
import type { KernelContext, OpDef, ResolvedOutput } from '../../ops/op_def.js';
import type { Backend, Dispatch, KernelChoice } from '../backend.js';
import { reduceElementwise, runElementwise } from './elementwise_kernel.js';
import { allocData, broadcastShapes, NDArray as Arr, sizeOf } from '../../graph/ir/index.js';

const EMPTY = Arr.zeros('float32', [0]);

/**
 * Runs ops on the host with TypedArray kernels; elementwise ops run as generated loops. Its
 * buffers are NDArrays, so uploads and read-backs are free and the host path makes no copies.
 */
export class CpuBackend implements Backend<NDArray> {
  readonly name = 'cpu';
  readonly device = '/device:CPU:0';
  readonly deviceType = 'CPU';
  readonly hostResident = true;
  // buffers freed during the current run, by dtype and length, for the steps that reuse them
  private readonly pool = new Map<string, DataArray[]>();

  kernelFor(def: OpDef, nodeType: string): KernelChoice {
    if (nodeType === 'FusedElementwise') return { kernel: 'fused_elementwise' };
    if (def.cpu.kind === 'elementwise') return { kernel: 'elementwise' };
    return { kernel: nodeType };
  }

  alloc(dtype: DType, shape: readonly number[]): NDArray {
    const size = sizeOf(shape);
    const data = this.pool.get(`${dtype}:${size}`)?.pop() ?? allocData(dtype, size);
    return new Arr(dtype, shape, data);
  }

  upload(x: NDArray): NDArray {
    return x;
  }

  read(b: NDArray): Promise<NDArray> {
    return Promise.resolve(b);
  }

  free(b: NDArray): void {
    const k = `${b.dtype}:${b.data.length}`;
    const list = this.pool.get(k);
    if (list) list.push(b.data);
    else this.pool.set(k, [b.data]);
  }

  endRun(): void {
    this.pool.clear();
  }

  dispatch(d: Dispatch<NDArray>): NDArray[] {
    let inputs = d.inputs as readonly NDArray[];
    // ref inputs arrive as null (a kernel reads the variable through ctx); kernels expect arrays
    if (d.inputs.includes(null)) inputs = d.inputs.map((x, i) => x ?? d.host[i] ?? EMPTY);
    return this.runOp(d.def, inputs, d.attrs, d.outputs, d.ctx, d.out?.data);
  }

  runOp(def: OpDef, inputs: readonly NDArray[], attrs: AttrMap, outputs: readonly ResolvedOutput[], ctx: KernelContext, out?: DataArray): NDArray[] {
    const cpu = def.cpu;
    if (cpu.kind === 'elementwise') {
      const o = outputs[0];
      return [runElementwise(cpu.expr(attrs), inputs, o.dtype, o.shape, out)];
    }
    if (cpu.kind === 'epilogue') {
      const [main] = cpu.run(inputs.slice(0, cpu.arity), attrs, outputs, ctx);
      return [runElementwise(cpu.epilogue, [main, ...inputs.slice(cpu.arity)], main.dtype, main.shape, main.data)];
    }
    if (cpu.kind === 'elementwise-reduce') {
      // the elementwise values' shape: the inputs broadcast together
      let shape: number[] = [];
      for (const x of inputs) shape = broadcastShapes(shape, [...x.shape], 'FusedReduce') as number[];
      const o = outputs[0];
      const mode = cpu.reduction === 'mean' ? 'sum' : cpu.reduction;
      let v = reduceElementwise(cpu.expr, inputs, o.dtype, shape, mode);
      if (cpu.reduction === 'mean') v /= sizeOf(shape);
      const data = allocData(o.dtype, 1);
      data[0] = v;
      return [new Arr(o.dtype, o.shape, data)];
    }
    return cpu.run(inputs, attrs, outputs, ctx);
  }
}
