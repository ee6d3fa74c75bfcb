import { NDArray, allocData, sizeOf } from '../../../graph/ir/index.js';
import { scalarOf } from '../../../ops/kernel_util.js';
import { KernelContext, ResolvedOutput } from '../../../ops/op_def.js';
import { fillNormal, fillTruncatedNormal, fillUniform, fillUniformInt } from '../../random/sampling.js';
import { streamKey } from '../../random/stream_key.js';
import type { RandomAttrs, RandomIntAttrs } from '../../../ops/random/random_ops.js';
import { CpuKernel, kernel } from './kernel.js';

type Fill = (out: Float32Array, key: ReturnType<typeof streamKey>) => void;

/** A float op drawing one value per element from the op's stream. */
function floatRandomKernel(fill: Fill): CpuKernel {
  return kernel<RandomAttrs>((_inputs, attrs, [out]: readonly ResolvedOutput[], ctx: KernelContext) => {
      const data = allocData(out.dtype, sizeOf(out.shape)) as Float32Array;
      fill(data, streamKey(attrs, ctx));
      return [new NDArray(out.dtype, out.shape, data)];
    });
}

/** The random family's CPU kernels. */
export const RANDOM_KERNELS = {
  RandomUniform: floatRandomKernel(fillUniform),
  RandomStandardNormal: floatRandomKernel(fillNormal),
  TruncatedNormal: floatRandomKernel(fillTruncatedNormal),
  RandomUniformInt: kernel<RandomIntAttrs>(([, lo, hi], attrs, [out], ctx) => {
    const data = allocData(out.dtype, sizeOf(out.shape)) as Int32Array;
    fillUniformInt(data, streamKey(attrs, ctx), scalarOf(lo, 'minval'), scalarOf(hi, 'maxval'));
    return [new NDArray(out.dtype, out.shape, data)];
  }),
};
