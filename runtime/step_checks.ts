import { formatShape, InternalError, InvalidArgumentError, NDArray, PartialShape, TensorGraphError } from '../graph/ir/index.js';
import type { InputSpec, ResolvedOutput } from '../ops/op_def.js';
import type { DeviceBuffer } from './backend.js';
import type { PlanStep } from './plan.js';

/**
 * Runs the op's inference for a step the plan could not resolve: input types come from the
 * buffers (a buffer's type is known without reading it) and values only from host-memory inputs,
 * so no device value is ever read for inference.
 */
export function resolveOutputs(step: PlanStep, inputs: readonly (DeviceBuffer | null)[], host: readonly (NDArray | null)[]): ResolvedOutput[] {
  const specs: InputSpec[] = step.inputs.map((inp, i) => {
    if (inp.kind === 'ref') return { dtype: inp.value.dtype, shape: inp.value.shape, value: null };
    const b = inputs[i] ?? host[i]!;
    return { dtype: b.dtype, shape: b.shape as PartialShape, value: host[i] };
  });
  const outs = step.def.infer(specs, step.node.attrs, { opName: step.node.name, opType: step.node.type });
  return outs.map((o, i) => {
    if (o.shape === null || o.shape.some((d) => d === null)) {
      // data-dependent shapes: the kernel decides (-1 dims; rank -1 when even the rank is open)
      const s = o.shape ?? step.node.outputs[i].shape;
      return { dtype: o.dtype, shape: s === null ? [-1] : s.map((d) => d ?? -1), unknownRank: s === null };
    }
    return { dtype: o.dtype, shape: o.shape as number[] };
  });
}

/** A kernel's outputs must be what inference said: count, dtype and every known dim. */
export function checkOutputs(step: PlanStep, outs: readonly DeviceBuffer[], resolved: readonly ResolvedOutput[]): void {
  if (outs.length !== step.node.outputs.length) {
    throw new InternalError(`Kernel for '${step.node.name}' (${step.node.type}) returned ${outs.length} outputs, expected ${step.node.outputs.length}`);
  }
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i];
    const r = resolved[i];
    const shapeOk = r.unknownRank === true || (r.shape.length === o.shape.length && r.shape.every((d, k) => d === -1 || d === o.shape[k]));
    if (o.dtype !== r.dtype || !shapeOk) {
      throw new InternalError(`Kernel for '${step.node.name}' (${step.node.type}) returned ${o.dtype}${formatShape(o.shape)} for output ${i}, inference said ${r.dtype}${formatShape(r.shape)}`);
    }
  }
}

/** checkNumerics: a float output holding NaN or Inf fails the run, naming the op. */
export function checkFinite(step: PlanStep, o: NDArray): void {
  if (o.dtype !== 'float32') return;
  const d = o.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new InvalidArgumentError(`Tensor had ${Number.isNaN(d[i]) ? 'NaN' : 'Inf'} values (first at flat index ${i}) in output of '${step.node.name}'`);
    }
  }
}

/** Adds the op, its type and its input shapes to an error raised while running it. */
export function annotateRunError(e: unknown, step: PlanStep, inputs: readonly (DeviceBuffer | null)[], host: readonly (NDArray | null)[]): unknown {
  const shapes = step.inputs
    .map((inp, i) => (inp.kind === 'ref' ? `ref(${inp.variable})` : formatShape((inputs[i] ?? host[i])?.shape ?? [])))
    .join(', ');
  const where = ` [[node ${step.node.name} (${step.node.type}) with input shapes: ${shapes}]]`;
  const ctx = { opName: step.node.name, opType: step.node.type, traceback: step.node.traceback };
  if (e instanceof TensorGraphError) {
    if (e.opName) return e;
    const Ctor = e.constructor as new (m: string, c: typeof ctx) => TensorGraphError;
    return new Ctor(e.message + where, ctx);
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new InternalError(`${msg}${where}`, ctx);
}
