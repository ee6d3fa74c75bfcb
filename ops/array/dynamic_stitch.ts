import { InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';

export type DynamicStitchAttrs = { N: number };

/*
 * TF's DynamicStitch: `merged[indices[m][i, ...]] = data[m][i, ..., :]`; the first output dim is
 * max(indices) + 1, known only from the indices' values, so the kernel gives it. An index written
 * twice takes the later input's value (TF's order for DynamicStitch; ParallelDynamicStitch leaves
 * it undefined and runs the same kernel here). TF graphs use it in losses and partitioned
 * variables; the gradient (array/dynamic_stitch_grad.ts) gathers each data input's rows back.
 */
function stitchOp<const T extends 'DynamicStitch' | 'ParallelDynamicStitch'>(type: T) {
  return defineOp<DynamicStitchAttrs>()({
    type,
    infer(inputs, attrs, ctx) {
      if (inputs.length === 0 || inputs.length % 2 !== 0) throw new InvalidArgumentError(`${ctx.opType}: needs N indices and N data inputs, got ${inputs.length} inputs`);
      const n = inputs.length / 2;
      if (attrs.N !== undefined && attrs.N !== n) throw new InvalidArgumentError(`${ctx.opType}: attr N = ${attrs.N}, but ${n} indices/data pairs were given`);
      const indices = inputs.slice(0, n);
      const data = inputs.slice(n);
      indices.forEach((x, i) => checkDType(`indices[${i}]`, x.dtype, ['int32']));
      const dtype = checkSameDType(data.map((_d, i) => `data[${i}]`), data.map((d) => d.dtype), ctx.opType);
      // the trailing shape: data[m].shape minus indices[m]'s rank, the same for every m when known
      let inner: (number | null)[] | null = null;
      for (let m = 0; m < n; m++) {
        const is = indices[m].shape;
        const ds = data[m].shape;
        if (is === null || ds === null) continue;
        if (ds.length < is.length || is.some((d, k) => d !== null && ds[k] !== null && d !== ds[k])) {
          throw new InvalidArgumentError(`${ctx.opType}: data[${m}].shape = [${ds.join(',')}] does not start with indices[${m}].shape = [${is.join(',')}]`);
        }
        const tail = ds.slice(is.length);
        if (inner === null) inner = tail;
        else if (inner.length !== tail.length || inner.some((d, k) => d !== null && tail[k] !== null && d !== tail[k])) {
          throw new InvalidArgumentError(`${ctx.opType}: data[${m}] has trailing shape [${tail.join(',')}], data[0] has [${inner.join(',')}]`);
        }
      }
      return [{ dtype, shape: inner === null ? null : [null, ...inner] }];
    },
    lowering: { kind: 'routine', routine: 'DynamicStitch' },
  });
}

export const DynamicStitch = stitchOp('DynamicStitch');
export const ParallelDynamicStitch = stitchOp('ParallelDynamicStitch');

/** tf.dynamic_stitch(indices, data). */
export function dynamicStitch(indices: readonly TensorLike[], data: readonly TensorLike[], name?: string): Tensor {
  if (indices.length !== data.length) throw new InvalidArgumentError(`dynamicStitch: ${indices.length} indices for ${data.length} data tensors`);
  const is = indices.map((x) => toTensor(x, 'int32'));
  const ds = data.map((x) => toTensor(x));
  return makeOp(DynamicStitch, [...is, ...ds], { N: is.length }, { name }).outputs[0];
}
