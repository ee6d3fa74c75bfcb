import { InvalidArgumentError, ResourceExhaustedError, UnimplementedError } from './errors.js';

/**
 * Element types. `int64` exists so TF files and feeds that use it keep their declared type in the
 * graph; in memory it is held as int32 (like TF.js) and values outside int32 range are refused at
 * the boundary rather than silently wrapped. `resource` is TF's DT_RESOURCE: a handle naming a
 * variable in the session's store (VarHandleOp's output), never computed on; its static shape is
 * the variable's shape (TF's handle data), and a value of it, rarely made, holds zeros. `string` is
 * TF's DT_STRING: each element is a byte string (TF strings are bytes, not text), held as one
 * Uint8Array per element (`NDArray.bytes`); it lives in host memory only, so placement puts string
 * ops on the CPU.
 */
export type DType = 'float32' | 'int32' | 'bool' | 'int64' | 'resource' | 'string';

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool', 'int64', 'resource', 'string'];

/** The dtypes held in a TypedArray (`NDArray.data`); `string` is the one that is not. */
export type NumericDType = Exclude<DType, 'string'>;

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

/**
 * Bytes one element takes in memory (int64 is held as int32). For `string` it is an estimate used by
 * memory planning and budgets (a reference and a small payload): a string's size is only known
 * from its value, and strings never reach a device.
 */
export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { float32: 4, int32: 4, int64: 4, bool: 1, resource: 4, string: 16 };

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
  // a numeric kernel reached by a string tensor fails here, loudly, rather than computing on zeros
  if (d === 'string') throw new UnimplementedError(`Cannot allocate numeric storage for ${size} elements of dtype string: string tensors hold bytes (NDArray.bytes)`);
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

/** True when `arr` is the storage class used for dtype `d` (never for strings: they are not a TypedArray). */
export function dataMatches(d: DType, arr: DataArray): boolean {
  if (d === 'string') return false;
  if (d === 'float32') return arr instanceof Float32Array;
  if (d === 'bool') return arr instanceof Uint8Array;
  return arr instanceof Int32Array;
}
