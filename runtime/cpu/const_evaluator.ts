import { type NDArray, sizeOf } from '../../graph/ir/index.js';
import type { ConstEvaluator } from '../../graph/passes/constant_fold.js';
import type { KernelContext } from '../../ops/op_def.js';
import { CpuBackend } from './cpu_backend.js';

const backend = new CpuBackend();

/** The fold pass's own default for `foldSizeLimit` (graph/passes/manager.ts), for callers that bound the evaluator by it. */
export const DEFAULT_FOLD_SIZE_LIMIT = 65536;

/** Compile-time evaluation on the CPU kernels, for constant folding (no size bound). */
export const cpuEvaluator: ConstEvaluator = (n, inputs) => evaluate(n, inputs, Infinity);

/**
 * The same, refusing (null) before any kernel runs a node whose result would have more than
 * `maxElements` elements: the fold pass would throw such a result away, and computing it first
 * (a Fill of 2.5e9 floats) would allocate gigabytes at compile time.
 */
export function cpuEvaluatorWithin(maxElements: number): ConstEvaluator {
  return (n, inputs) => evaluate(n, inputs, maxElements);
}

function evaluate(n: Parameters<ConstEvaluator>[0], inputs: readonly NDArray[], maxElements: number): NDArray[] | null {
  try {
    const specs = inputs.map((x) => ({ dtype: x.dtype, shape: x.shape, value: x }));
    const resolved = n.def.infer(specs, n.attrs, { opName: n.name, opType: n.type });
    if (resolved.some((o) => o.shape === null || o.shape.some((d) => d === null))) return null;
    if (resolved.some((o) => sizeOf(o.shape as number[]) > maxElements)) return null;
    const kctx: KernelContext = {
      opName: n.name,
      opType: n.type,
      variables: { read: () => undefined, write: () => undefined, delete: () => undefined },
      refName: () => {
        throw new Error('no refs at compile time');
      },
      runCounter: 0,
      sessionSeed: 0,
    };
    const outs = backend.runOp(n.def, inputs, n.attrs, resolved.map((o) => ({ dtype: o.dtype, shape: o.shape as number[] })), kctx);
    return outs.every((o, i) => o.dtype === n.outputs[i].dtype) ? outs : null;
  } catch {
    return null;
  }
}
