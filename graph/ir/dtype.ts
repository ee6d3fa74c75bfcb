import { InvalidArgumentError, ResourceExhaustedError } from './errors.js';

/**
 * Element types. `int64` exists so TF files and feeds that use it keep their declared type in the
 * graph; in memory it is held as int32 (like TF.js) and values outside int32 range are refused at
 * the boundary rather than silently wrapped. `resource` is TF's DT_RESOURCE: a handle naming a
 * variable in the session's store (VarHandleOp's output), never computed on; its static shape is
 * the variable's shape (TF's handle data), and a value of it, rarely made, holds zeros.
 */
export type DType = 'float32' | 'int32' | 'bool' | 'int64' | 'resource';

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool', 'int64', 'resource'];

export type DataArray = Float32Array | Int32Array | Uint8Array;

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function isFloat(d: DType): boolean {
  return d === 'float32';
}

export function isInteger(d: DType): boolean {
  return d === 'int32' || d === 'int64';
}

/** Bytes one element takes in memory (int64 is held as int32). */
export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { float32: 4, int32: 4, int64: 4, bool: 1, resource: 4 };

/**
 * The most elements one array may have: typed arrays stop at 2^32 elements in V8 (less in some
 * browsers, where the engine's RangeError is turned into the same typed error by `allocData`).
 */
export const MAX_ELEMENTS = 2 ** 32;

/**
 * A zeroed array of `size` elements. A size no typed array can hold is a ResourceExhaustedError
 * (TF's OOM code), never the engine's untyped RangeError.
 */
export function allocData(d: DType, size: number): DataArray {
  if (!Number.isInteger(size) || size < 0) throw new InvalidArgumentError(`Cannot allocate ${size} elements of ${d}: not a non-negative integer`);
  if (size > MAX_ELEMENTS) throw tooLarge(d, size);
  try {
    switch (d) {
      case 'float32':
        return new Float32Array(size);
      case 'bool':
        return new Uint8Array(size);
      default:
        return new Int32Array(size);
    }
  } catch (e) {
    if (e instanceof RangeError) throw tooLarge(d, size);
    throw e;
  }
}

function tooLarge(d: DType, size: number): ResourceExhaustedError {
  return new ResourceExhaustedError(`OOM when allocating ${size} elements of ${d} (${size * BYTES_PER_ELEMENT[d]} bytes): more than this runtime can hold in one array`);
}

/** True when `arr` is the storage class used for dtype `d`. */
export function dataMatches(d: DType, arr: DataArray): boolean {
  if (d === 'float32') return arr instanceof Float32Array;
  if (d === 'bool') return arr instanceof Uint8Array;
  return arr instanceof Int32Array;
}
