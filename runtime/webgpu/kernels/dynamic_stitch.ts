import { InvalidArgumentError, NDArray } from '../../../graph/ir/index.js';
import type { AsyncGpuKernel } from './kernel.js';
import { need } from './kernel.js';
import { groups, shader } from './shader.js';

/**
 * DynamicStitch: the merged first dim is max(indices) + 1, known only from the indices' values,
 * so they are read back (they are small). The host picks, for each merged row, the last (input,
 * position) that writes it (TF's order: later inputs win); then one launch per data input copies
 * its winning rows, into an output zeroed first (rows no index names stay 0, as on the CPU).
 */
export const DYNAMIC_STITCH_GPU_KERNEL: AsyncGpuKernel = {
  async: async (a) => {
    const n = a.inputs.length / 2;
    const indices = await Promise.all(Array.from({ length: n }, (_x, m) => a.gpu.read(need(a, m))));
    const data = Array.from({ length: n }, (_x, m) => need(a, n + m));
    const inner = data[0].shape.slice(indices[0].shape.length);
    const rowSize = inner.reduce((p, q) => p * q, 1);
    let rows = 0;
    indices.forEach((ix, m) => {
      const want = [...ix.shape, ...inner];
      if (data[m].shape.join() !== want.join()) {
        throw new InvalidArgumentError(`'${a.ctx.opName}' (DynamicStitch): data[${m}].shape = [${data[m].shape.join(',')}] does not equal indices[${m}].shape + merged trailing shape = [${want.join(',')}]`);
      }
      for (const v of ix.data) {
        if (Number(v) < 0) throw new InvalidArgumentError(`'${a.ctx.opName}' (DynamicStitch): indices[${m}] holds ${v}, which is negative`);
        rows = Math.max(rows, Number(v) + 1);
      }
    });
    const dtype = a.outputs[0].dtype;
    const out = a.gpu.alloc(dtype, [rows, ...inner], `the output of '${a.ctx.opName}' (DynamicStitch)`);
    const size = rows * rowSize;
    const zero = (): string => shader([], [dtype], 1, `  if (gid >= P(0u)) { return; }\n  out0[gid] = ${dtype === 'float32' ? '0.0f' : dtype === 'bool' ? '0u' : '0'};`);
    a.gpu.launch({ key: `stitch-zero|${dtype}`, source: zero, inputs: [], outputs: [out], params: [size], workgroups: groups(size) });
    // the last writer of each merged row
    const winner = new Map<number, [number, number]>();
    indices.forEach((ix, m) => ix.data.forEach((r, i) => winner.set(Number(r), [m, i])));
    data.forEach((d, m) => {
      // target row of each of d's rows, or -1 where a later write wins
      const target = Int32Array.from(indices[m].data, (r, i) => {
        const w = winner.get(Number(r))!;
        return w[0] === m && w[1] === i ? Number(r) : -1;
      });
      if (target.length === 0 || rowSize === 0) return;
      const t = a.gpu.upload(new NDArray('int32', [target.length], target), `the target rows of data[${m}] of '${a.ctx.opName}'`);
      const body = `  if (gid >= P(0u)) { return; }
  let row = in1[gid / P(1u)];
  if (row < 0) { return; }
  out0[u32(row) * P(1u) + gid % P(1u)] = in0[gid];`;
      const source = (): string => shader([d.dtype, 'int32'], [dtype], 2, body);
      a.gpu.launch({ key: `stitch|${dtype}`, source, inputs: [d, t], outputs: [out], params: [target.length * rowSize, rowSize], workgroups: groups(target.length * rowSize) });
      a.gpu.release(t);
    });
    return [out];
  },
};
