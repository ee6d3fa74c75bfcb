import { stridesOf } from '../graph/ir/index.js';

/**
 * How elementwise kernels on every backend walk broadcast operands: each operand's strides over
 * the output shape, then the shape collapsed to as few dims as the operands allow.
 */

/** Strides of `shape` broadcast against `outShape` (0 where broadcast). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_d, i) => (i < lead || shape[i - lead] === 1 ? 0 : own[i - lead]));
}

/** Drops unit dims and merges dims contiguous for every operand (same-shape operands: one flat dim). */
export function collapse(outShape: readonly number[], strides: number[][]): { shape: number[]; strides: number[][] } {
  const keep = outShape.map((_d, i) => i).filter((i) => outShape[i] !== 1);
  let shape = keep.map((i) => outShape[i]);
  let st = strides.map((s) => keep.map((i) => s[i]));
  if (shape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  for (let d = shape.length - 2; d >= 0; d--) {
    const n = shape[d + 1];
    if (st.every((s) => s[d] === s[d + 1] * n)) {
      shape = [...shape.slice(0, d), shape[d] * n, ...shape.slice(d + 2)];
      st = st.map((s) => [...s.slice(0, d), s[d + 1], ...s.slice(d + 2)]);
    }
  }
  return { shape, strides: st };
}
