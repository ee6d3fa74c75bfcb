import { InvalidArgumentError } from '../../../graph/ir/index.js';
import type { CheckAttrs } from '../../../ops/control/check_numerics.js';
import type { AsyncGpuKernel } from './kernel.js';
import { need } from './kernel.js';
import { shader, WG } from './shader.js';

/**
 * CheckNumerics: one workgroup strides over the input, each thread ORs a flag word (1: an Inf,
 * 2: a NaN, told apart by the float's exponent and mantissa bits, since WGSL may assume floats
 * are finite), and the WG words come back to the host; the input passes through as a device copy.
 * Any flag fails the run with TF's message, before the run commits, so no variable changes.
 */
export const CHECK_NUMERICS_GPU_KERNEL: AsyncGpuKernel = {
  async: async (a) => {
    const x = need(a, 0);
    const out = a.gpu.alloc(x.dtype, x.shape, `the output of '${a.ctx.opName}' (CheckNumerics)`);
    a.gpu.copy(x, out, x.size);
    if (x.size === 0) return [out];
    const flags = a.gpu.alloc('int32', [WG], `the NaN/Inf flags of '${a.ctx.opName}'`);
    const body = `  var f = 0u;
  for (var i = gid; i < P(0u); i += ${WG}u) {
    let b = bitcast<u32>(in0[i]);
    if ((b & 0x7f800000u) == 0x7f800000u) { f |= select(1u, 2u, (b & 0x007fffffu) != 0u); }
  }
  out0[gid] = i32(f);`;
    const source = (): string => shader([x.dtype], ['int32'], 1, body);
    a.gpu.launch({ key: 'check-numerics', source, inputs: [x], outputs: [flags], params: [x.size], workgroups: 1 });
    const words = await a.gpu.read(flags);
    a.gpu.release(flags);
    let f = 0;
    for (const w of words.data) f |= Number(w);
    if (f !== 0) {
      a.gpu.release(out);
      const what = f === 3 ? 'Inf and NaN' : f === 2 ? 'NaN' : 'Inf';
      throw new InvalidArgumentError(`${(a.attrs as unknown as CheckAttrs).message} : Tensor had ${what} values`);
    }
    return [out];
  },
};
