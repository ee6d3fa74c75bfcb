import { DataLossError, DType, InvalidArgumentError, NDArray, UnimplementedError } from '../graph/ir/index.js';

/*
 * NumPy's .npy format (version 1.0): magic, a little-endian header length, a Python-dict header
 * padded to 64 bytes, then the raw C-order data. `numpy.load` reads what this writes, so a debug
 * dump can be studied in Python. int64 is held as int32 in memory and written as '<i4'.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const DESCR: Readonly<Record<DType, string>> = { float32: '<f4', int32: '<i4', int64: '<i4', bool: '|b1', resource: '<i4' , string: '|O' };

export function encodeNpy(a: NDArray): Uint8Array {
  // NumPy keeps variable-length strings as Python objects (pickled): no raw layout to write
  if (a.dtype === 'string') throw new UnimplementedError(`.npy output of a string tensor (shape [${a.shape.join(',')}]) is not supported: NumPy holds such strings as pickled objects`);
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '${DESCR[a.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = MAGIC.length + 4 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const data = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const out = new Uint8Array(MAGIC.length + 4 + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}

/** Reads an .npy written by `encodeNpy` (or NumPy, for the dtypes above); sizes are checked. */
export function decodeNpy(bytes: Uint8Array, dtype: DType, what: string): NDArray {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m) || bytes[6] !== 1) throw new DataLossError(`${what}: not a version 1 .npy file`);
  const headerLen = bytes[8] | (bytes[9] << 8);
  if (10 + headerLen > bytes.length) throw new DataLossError(`${what}: header of ${headerLen} bytes runs past the end of the ${bytes.length}-byte file`);
  const header = String.fromCharCode(...bytes.subarray(10, 10 + headerLen));
  const m = /'descr':\s*'([<|]\w\d)',\s*'fortran_order':\s*False,\s*'shape':\s*\(([\d,\s]*)\)/.exec(header);
  if (!m) throw new DataLossError(`${what}: unsupported .npy header ${JSON.stringify(header.trim())}`);
  if (m[1] !== DESCR[dtype]) throw new InvalidArgumentError(`${what}: .npy holds ${m[1]}, expected ${DESCR[dtype]} for ${dtype}`);
  const shape = m[2].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const size = shape.reduce((p, d) => p * d, 1);
  const width = dtype === 'bool' ? 1 : 4;
  const body = bytes.subarray(10 + headerLen);
  if (body.length !== size * width) throw new DataLossError(`${what}: shape [${shape.join(',')}] needs ${size * width} data bytes, the file has ${body.length}`);
  const copy = body.slice();
  const data = dtype === 'float32' ? new Float32Array(copy.buffer) : dtype === 'bool' ? copy : new Int32Array(copy.buffer);
  return new NDArray(dtype, shape, data);
}
