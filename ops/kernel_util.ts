import { DataArray, InvalidArgumentError, NDArray } from '../graph/ir/index.js';

/** Reads an int vector input (shapes, axes, perms) as plain numbers. */
export function intVector(x: NDArray, what: string): number[] {
  if (x.rank > 1) throw new InvalidArgumentError(`${what} must be a scalar or vector, got shape [${x.shape.join(',')}]`);
  return Array.from(x.data as DataArray);
}

/** Reads a scalar input. */
export function scalarOf(x: NDArray, what: string): number {
  if (x.size !== 1) throw new InvalidArgumentError(`${what} must be a scalar, got shape [${x.shape.join(',')}]`);
  return x.data[0];
}
