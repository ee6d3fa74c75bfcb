import { allocData, InvalidArgumentError, NDArray } from '../../../graph/ir/index.js';
import { kernel } from './kernel.js';

/** DynamicStitch (and ParallelDynamicStitch): rows of each data input placed at its indices; later inputs win. */
export const STITCH_KERNEL = kernel((inputs, _a, [out]) => {
  const n = inputs.length / 2;
  const indices = inputs.slice(0, n);
  const data = inputs.slice(n);
  const inner = data[0].shape.slice(indices[0].rank);
  const rowSize = inner.reduce((a, b) => a * b, 1);
  let rows = 0;
  indices.forEach((ix, m) => {
    const want = [...ix.shape, ...inner];
    if (data[m].shape.join() !== want.join()) {
      throw new InvalidArgumentError(`DynamicStitch: data[${m}].shape = [${data[m].shape.join(',')}] does not equal indices[${m}].shape + merged trailing shape = [${want.join(',')}]`);
    }
    for (const v of ix.data) {
      if (v < 0) throw new InvalidArgumentError(`DynamicStitch: indices[${m}] holds ${v}, which is negative`);
      rows = Math.max(rows, v + 1);
    }
  });
  const shape = [rows, ...inner];
  if (out.dtype === 'string') {
    const elems: Uint8Array[] = Array.from({ length: rows * rowSize }, () => new Uint8Array(0));
    indices.forEach((ix, m) => ix.data.forEach((r, i) => {
      for (let k = 0; k < rowSize; k++) elems[r * rowSize + k] = data[m].bytes[i * rowSize + k];
    }));
    return [new NDArray('string', shape, elems)];
  }
  const dst = allocData(out.dtype, rows * rowSize);
  indices.forEach((ix, m) => {
    const src = data[m].data;
    ix.data.forEach((r, i) => dst.set(src.subarray(i * rowSize, (i + 1) * rowSize), r * rowSize));
  });
  return [new NDArray(out.dtype, shape, dst)];
});
