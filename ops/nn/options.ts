import { Graph, InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { int32Literal, TensorLike, toTensor } from '../builder.js';
import type { DataFormat } from './conv_params.js';

/** How builders take padding: TF's strings, or explicit [before, after] pairs for all four dims. */
export type PaddingOption = 'SAME' | 'VALID' | readonly (readonly number[])[];

/**
 * TF's _get_sequence: an int, or a list of 1, 2 or 4 ints, as the 4-vector the op attr wants (the
 * spatial values in the data format's H and W slots, 1 in N and C).
 */
export function windowVector(v: number | readonly number[], format: DataFormat, what: string): number[] {
  const list = typeof v === 'number' ? [v] : [...v];
  let h: number;
  let w: number;
  if (list.length === 4) return list;
  if (list.length === 1) [h, w] = [list[0], list[0]];
  else if (list.length === 2) [h, w] = list;
  else throw new InvalidArgumentError(`${what} should be of length 1, 2 or 4 but was ${list.length}`);
  return format === 'NHWC' ? [1, h, w, 1] : [1, 1, h, w];
}

/** `padding` and `explicit_paddings` attrs from a builder's padding option. */
export function paddingAttrs(padding: PaddingOption): { padding: string; explicit_paddings: number[] } {
  if (typeof padding === 'string') return { padding, explicit_paddings: [] };
  if (padding.length !== 4 || padding.some((p) => p.length !== 2)) {
    throw new InvalidArgumentError(`When padding is explicit, it must be a list of 4 [before, after] pairs (one per dimension), got ${JSON.stringify(padding)}`);
  }
  return { padding: 'EXPLICIT', explicit_paddings: padding.flat() };
}

/** A shape operand (input_sizes, filter_sizes): literal dims become an int32 constant. */
export function sizesTensor(v: TensorLike | readonly number[], g: Graph): Tensor {
  if (Array.isArray(v) && v.every((d) => typeof d === 'number')) {
    return toTensor(int32Literal(v as number[], 'shape'), 'int32', g);
  }
  return toTensor(v as TensorLike, 'int32', g);
}
