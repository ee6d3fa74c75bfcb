import { closeSync, fstatSync, openSync, readFileSync, readSync } from '../../platform/fs.js';
import { DataLossError, DType, InvalidArgumentError, NDArray, NotFoundError, PartialShape, sizeOf } from '../../graph/ir/index.js';
import { decodeMessage, encodeMessage, pb } from '../codec.js';
import { fromTfDType, fromTfDTypeOrNull, TF_DTYPE, tfDTypeName, tfElementSize } from '../dtypes.js';
import { arrayFromBytes, arrayToBytes, fullShapeFromProto, shapeToProto } from '../tensor_proto.js';
import type { TensorShapeObj } from '../types.js';
import { writeFileAtomic } from './atomic_file.js';
import { crc32c, maskCrc, unmaskCrc } from './crc32c.js';
import { buildTable, readTable } from './sstable.js';
import { decodeStringTensor, encodeStringTensor } from './string_tensor.js';

/** TF's kTensorBundleVersion. */
const BUNDLE_VERSION = 1;

export function indexPath(prefix: string): string {
  return `${prefix}.index`;
}

export function dataPath(prefix: string, shard = 0, numShards = 1): string {
  const pad = (n: number) => String(n).padStart(5, '0');
  return `${prefix}.data-${pad(shard)}-of-${pad(numShards)}`;
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder('utf-8', { fatal: false });

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** An entry's bytes in the data file and their (unmasked) crc: TF's string layout for strings. */
function entryBytes(a: NDArray): { bytes: Uint8Array; crc: number } {
  if (a.dtype === 'string') return encodeStringTensor(a.bytes);
  const bytes = arrayToBytes(a);
  return { bytes, crc: crc32c(bytes) };
}

/** The index and data files of a bundle, in memory (writing is the caller's). */
export function encodeBundle(tensors: ReadonlyMap<string, NDArray>): { index: Uint8Array; data: Uint8Array } {
  const names = [...tensors.keys()].map((n) => ({ n, k: utf8.encode(n) })).sort((a, b) => compareBytes(a.k, b.k));
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const entries: [Uint8Array, Uint8Array][] = [
    [new Uint8Array(0), encodeMessage(pb.BundleHeaderProto, { num_shards: 1, endianness: 0, version: { producer: BUNDLE_VERSION } })],
  ];
  for (const { n, k } of names) {
    if (n === '') throw new InvalidArgumentError('A checkpoint tensor needs a non-empty name');
    const a = tensors.get(n)!;
    const { bytes, crc } = entryBytes(a);
    entries.push([
      k,
      encodeMessage(pb.BundleEntryProto, {
        dtype: TF_DTYPE[a.dtype],
        shape: shapeToProto(a.shape),
        offset,
        size: bytes.length,
        crc32c: maskCrc(crc),
      }),
    ]);
    chunks.push(bytes);
    offset += bytes.length;
  }
  const data = new Uint8Array(offset);
  let o = 0;
  for (const c of chunks) {
    data.set(c, o);
    o += c.length;
  }
  return { index: buildTable(entries), data };
}

/** Writes `prefix.data-00000-of-00001` then `prefix.index`, each atomically. */
export function writeBundle(prefix: string, tensors: ReadonlyMap<string, NDArray>): void {
  const { index, data } = encodeBundle(tensors);
  writeFileAtomic(dataPath(prefix), data);
  writeFileAtomic(indexPath(prefix), index);
}

export interface BundleEntry {
  name: string;
  dtypeEnum: number;
  /** Our dtype, or null for TF dtypes tensorgraph does not hold. */
  dtype: DType | null;
  shape: number[];
  shard: number;
  offset: number;
  size: number;
  crc32c: number;
  sliced: boolean;
}

interface EntryObj {
  dtype?: number;
  shape?: TensorShapeObj;
  shard_id?: number;
  offset?: number;
  size?: number;
  crc32c?: number;
  slices?: unknown[];
}

/**
 * A checkpoint (tensor bundle) opened for reading: the index is parsed and checked at open; tensor
 * bytes are read on demand, bounds-checked against the data file and CRC-checked.
 */
export class BundleReader {
  readonly prefix: string;
  readonly numShards: number;
  private readonly entries = new Map<string, BundleEntry>();

  constructor(prefix: string) {
    this.prefix = prefix;
    const file = indexPath(prefix);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new NotFoundError(`Unsuccessful TensorSliceReader constructor: Failed to find any matching files for ${prefix} (${(e as Error).message})`);
    }
    const table = readTable(bytes, file);
    if (table.length === 0 || table[0][0].length !== 0) throw new DataLossError(`${file}: the bundle header entry (empty key) is missing`);
    const header = decodeMessage<{ num_shards?: number; endianness?: number; version?: { producer?: number; min_consumer?: number } }>(
      pb.BundleHeaderProto,
      table[0][1],
      `${file}: header`,
    );
    if ((header.endianness ?? 0) !== 0) throw new DataLossError(`${file}: big-endian bundles are not supported`);
    const numShards = header.num_shards ?? 0;
    if (!Number.isInteger(numShards) || numShards < 1 || numShards > 100000) throw new DataLossError(`${file}: bad shard count ${numShards}`);
    if ((header.version?.min_consumer ?? 0) > BUNDLE_VERSION) {
      throw new DataLossError(`${file}: needs a reader of bundle version ${header.version?.min_consumer}, this one is ${BUNDLE_VERSION}`);
    }
    this.numShards = numShards;
    for (const [k, v] of table.slice(1)) {
      const name = utf8d.decode(k);
      const what = `${file}: entry '${name}'`;
      const e = decodeMessage<EntryObj>(pb.BundleEntryProto, v, what);
      let shape: number[];
      try {
        shape = fullShapeFromProto(e.shape, what);
      } catch (err) {
        throw new DataLossError((err as Error).message);
      }
      const dtypeEnum = e.dtype ?? 0;
      const dtype = fromTfDTypeOrNull(dtypeEnum);
      const entry: BundleEntry = {
        name,
        dtypeEnum,
        dtype,
        shape,
        shard: e.shard_id ?? 0,
        offset: e.offset ?? 0,
        size: e.size ?? 0,
        crc32c: e.crc32c ?? 0,
        sliced: (e.slices ?? []).length > 0,
      };
      if (entry.shard < 0 || entry.shard >= numShards) throw new DataLossError(`${what}: shard ${entry.shard} out of range [0, ${numShards})`);
      if (!Number.isSafeInteger(entry.offset) || entry.offset < 0 || !Number.isSafeInteger(entry.size) || entry.size < 0) {
        throw new DataLossError(`${what}: bad offset ${entry.offset} or size ${entry.size}`);
      }
      // a string entry's size depends on its values: its layout is checked when it is read
      if (dtype !== null && dtype !== 'string' && !entry.sliced && entry.size !== sizeOf(shape) * tfElementSize(dtype)) {
        throw new DataLossError(`${what}: size ${entry.size} does not match ${tfDTypeName(dtypeEnum)} shape ${JSON.stringify(shape)}`);
      }
      this.entries.set(name, entry);
    }
  }

  /** [name, shape] of every tensor, in key order (TF's list_variables). */
  list(): [string, number[]][] {
    return [...this.entries.values()].map((e) => [e.name, [...e.shape]]);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  entry(name: string): BundleEntry {
    const e = this.entries.get(name);
    if (!e) throw new NotFoundError(`Key ${name} not found in checkpoint ${this.prefix}`);
    return e;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Reads one tensor, checking its extent against the data file and its checksum. */
  read(name: string): NDArray {
    const e = this.entry(name);
    const what = `${dataPath(this.prefix, e.shard, this.numShards)}: tensor '${name}'`;
    if (e.sliced) throw new InvalidArgumentError(`${what} is saved in slices (partitioned variable), which tensorgraph does not read`);
    const dtype = fromTfDType(e.dtypeEnum, what);
    const file = dataPath(this.prefix, e.shard, this.numShards);
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (err) {
      throw new NotFoundError(`${file}: cannot open the checkpoint data file (${(err as Error).message})`);
    }
    try {
      const fileSize = fstatSync(fd).size;
      if (e.offset + e.size > fileSize) {
        throw new DataLossError(`${what}: extent [${e.offset}, ${e.offset + e.size}) lies past the end of the ${fileSize}-byte data file`);
      }
      const bytes = new Uint8Array(e.size);
      let got = 0;
      while (got < e.size) {
        const n = readSync(fd, bytes, got, e.size - got, e.offset + got);
        if (n <= 0) throw new DataLossError(`${what}: data file ended early`);
        got += n;
      }
      if (dtype === 'string') return new NDArray(dtype, e.shape, decodeStringTensor(bytes, sizeOf(e.shape), e.crc32c, what));
      if (unmaskCrc(e.crc32c) !== crc32c(bytes)) throw new DataLossError(`${what}: checksum mismatch (the data file is corrupt)`);
      return arrayFromBytes(dtype, e.shape, bytes, what);
    } finally {
      closeSync(fd);
    }
  }
}

export function partialShapeMatches(declared: PartialShape, actual: readonly number[]): boolean {
  if (declared === null) return true;
  return declared.length === actual.length && declared.every((d, i) => d === null || d === actual[i]);
}
