import { closeSync, fstatSync, openSync, readSync } from '../../platform/fs.js';
import { DataLossError, InvalidArgumentError, NotFoundError, sizeOf } from '../../graph/ir/index.js';
import { BundleReader, dataPath } from './bundle.js';
import { crc32cExtend, unmaskCrc } from './crc32c.js';

const DT_STRING = 7;

/**
 * The elements of a DT_STRING tensor in a checkpoint bundle, as raw bytes. TF's bundle writes a
 * string tensor as: each element's length as a varint64, a 4-byte masked CRC32C of those lengths,
 * then the elements' bytes back to back; the entry's checksum covers each length as a
 * little-endian uint32 (checked against a TF-written bundle), the 4 length-checksum bytes and the
 * element bytes.
 *
 * Kept apart from the bundle reader (which holds numeric dtypes) for the object-based checkpoints
 * of TF2 SavedModels, whose `_CHECKPOINTABLE_OBJECT_GRAPH` entry is a string scalar; when the
 * string dtype is shared, this decoder becomes the bundle's.
 */
export function readStringTensor(reader: BundleReader, name: string): Uint8Array[] {
  const e = reader.entry(name);
  const file = dataPath(reader.prefix, e.shard, reader.numShards);
  const what = `${file}: tensor '${name}'`;
  if (e.dtypeEnum !== DT_STRING) throw new InvalidArgumentError(`${what} is not a DT_STRING tensor`);
  if (e.sliced) throw new InvalidArgumentError(`${what} is saved in slices, which tensorgraph does not read`);
  const count = sizeOf(e.shape);
  // every element takes at least one length byte: a count beyond the extent is corrupt, not an allocation
  if (count > e.size) throw new DataLossError(`${what}: ${count} elements cannot fit in ${e.size} bytes`);
  const bytes = readExtent(file, e.offset, e.size, what);
  let pos = 0;
  const lengths: number[] = [];
  let crc = 0;
  const u32 = new Uint8Array(4);
  const view = new DataView(u32.buffer);
  for (let i = 0; i < count; i++) {
    let len = 0;
    let scale = 1;
    for (let k = 0; ; k++) {
      if (pos >= bytes.length || k >= 8) throw new DataLossError(`${what}: bad length varint of element ${i}`);
      const b = bytes[pos++];
      len += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) break;
    }
    if (len > bytes.length) throw new DataLossError(`${what}: element ${i} claims ${len} bytes, more than the tensor's extent`);
    lengths.push(len);
    view.setUint32(0, len, true);
    crc = crc32cExtend(crc, u32);
  }
  if (pos + 4 > bytes.length) throw new DataLossError(`${what}: the length checksum is missing`);
  const lengthCrc = bytes.subarray(pos, pos + 4);
  crc = crc32cExtend(crc, lengthCrc);
  pos += 4;
  const out: Uint8Array[] = [];
  for (const len of lengths) {
    if (pos + len > bytes.length) throw new DataLossError(`${what}: element bytes run past the tensor's extent`);
    const s = bytes.subarray(pos, pos + len);
    crc = crc32cExtend(crc, s);
    out.push(s);
    pos += len;
  }
  if (pos !== bytes.length) throw new DataLossError(`${what}: ${bytes.length - pos} bytes left over after the elements`);
  if (unmaskCrc(e.crc32c) !== crc >>> 0) throw new DataLossError(`${what}: checksum mismatch (the data file is corrupt)`);
  return out;
}

function readExtent(file: string, offset: number, size: number, what: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new NotFoundError(`${file}: cannot open the checkpoint data file (${(err as Error).message})`);
  }
  try {
    const fileSize = fstatSync(fd).size;
    if (offset + size > fileSize) throw new DataLossError(`${what}: extent [${offset}, ${offset + size}) lies past the end of the ${fileSize}-byte data file`);
    const bytes = new Uint8Array(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, bytes, got, size - got, offset + got);
      if (n <= 0) throw new DataLossError(`${what}: data file ended early`);
      got += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}
