import { DType, InvalidArgumentError, UnimplementedError } from '../graph/ir/index.js';

/** TensorFlow's DataType enum values for our dtypes (types.proto). */
export const TF_DTYPE: Readonly<Record<DType, number>> = { float32: 1, int32: 3, int64: 9, bool: 10, resource: 20 , string: 7 };

const REF_OFFSET = 100;
const TF_NAMES: Record<number, string> = {
  0: 'DT_INVALID', 1: 'DT_FLOAT', 2: 'DT_DOUBLE', 3: 'DT_INT32', 4: 'DT_UINT8', 5: 'DT_INT16', 6: 'DT_INT8',
  7: 'DT_STRING', 8: 'DT_COMPLEX64', 9: 'DT_INT64', 10: 'DT_BOOL', 14: 'DT_BFLOAT16', 17: 'DT_UINT16',
  18: 'DT_COMPLEX128', 19: 'DT_HALF', 20: 'DT_RESOURCE', 21: 'DT_VARIANT', 22: 'DT_UINT32', 23: 'DT_UINT64',
};

/** TF's DataType enum value for its name (`DT_INT64` → 9). */
export function tfDTypeEnum(name: string): number {
  for (const [k, v] of Object.entries(TF_NAMES)) if (v === name) return Number(k);
  throw new InvalidArgumentError(`Unknown TF DataType name '${name}'`);
}

export function tfDTypeName(e: number): string {
  if (e > REF_OFFSET) return `${TF_NAMES[e - REF_OFFSET] ?? `DataType(${e - REF_OFFSET})`}_REF`;
  return TF_NAMES[e] ?? `DataType(${e})`;
}

/** Our dtype for a TF DataType (ref types map to their base type), or null when we have none. */
export function fromTfDTypeOrNull(e: number): DType | null {
  const base = e > REF_OFFSET ? e - REF_OFFSET : e;
  for (const [k, v] of Object.entries(TF_DTYPE)) if (v === base) return k as DType;
  return null;
}

export function fromTfDType(e: number, where: string): DType {
  const d = fromTfDTypeOrNull(e);
  if (d === null) {
    if (e === 0 || !(e in TF_NAMES || e - REF_OFFSET in TF_NAMES)) throw new InvalidArgumentError(`${where}: invalid DataType ${e}`);
    throw new UnimplementedError(`${where}: dtype ${tfDTypeName(e)} is not supported (float32, int32, int64, bool and string are)`);
  }
  return d;
}

/** Bytes per element in TF's little-endian tensor encoding (strings have no fixed size: 0). */
export function tfElementSize(d: DType): number {
  return d === 'string' ? 0 : d === 'bool' ? 1 : d === 'int64' ? 8 : 4;
}
