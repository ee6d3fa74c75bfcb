import { stridesOf } from '../../../graph/ir/index.js';

/** TF's SliceDebugString: where flat element `flat` of a tensor of `shape` sits, as "[i,j]" ("" for scalars). */
export function indexText(shape: readonly number[], flat: number): string {
  if (shape.length === 0) return '';
  const strides = stridesOf(shape);
  const idx = strides.map((s) => {
    const i = Math.floor(flat / s);
    flat -= i * s;
    return i;
  });
  return `[${idx.join(',')}]`;
}
