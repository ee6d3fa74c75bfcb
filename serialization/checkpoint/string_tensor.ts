import { DataLossError, StringData } from '../../graph/ir/index.js';
import { crc32cExtend, maskCrc, unmaskCrc } from './crc32c.js';

/*
 * A DT_STRING tensor in a tensor bundle's data file, as TF's BundleWriter writes it
 * (tensor_bundle.cc, WriteStringTensor):
 *   [varint64 len_0] .. [varint64 len_n-1] [4-byte masked crc of the lengths] [bytes_0] .. [bytes_n-1]
 * The entry's crc32c covers each length as a little-endian uint32 (uint64 past 2^32-1, which
 * older TF could not write) rather than as varint bytes, then the 4 checksum bytes, then the
 * string bytes.
 */

const MAX_SAFE_LENGTH = Number.MAX_SAFE_INTEGER;

function lengthBytes(n: number): Uint8Array {
  if (n <= 0xffffffff) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  }
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

function putVarint(out: number[], n: number): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** The bytes of a string tensor in TF's bundle layout, and the (unmasked) crc its entry records. */
export function encodeStringTensor(elems: StringData): { bytes: Uint8Array; crc: number } {
  const lengths: number[] = [];
  let crc = 0;
  let payload = 0;
  for (const e of elems) {
    putVarint(lengths, e.length);
    crc = crc32cExtend(crc, lengthBytes(e.length));
    payload += e.length;
  }
  const check = new Uint8Array(4);
  new DataView(check.buffer).setUint32(0, maskCrc(crc), true);
  crc = crc32cExtend(crc, check);
  const bytes = new Uint8Array(lengths.length + 4 + payload);
  bytes.set(lengths, 0);
  bytes.set(check, lengths.length);
  let at = lengths.length + 4;
  for (const e of elems) {
    bytes.set(e, at);
    crc = crc32cExtend(crc, e);
    at += e.length;
  }
  return { bytes, crc };
}

/**
 * Decodes `n` strings from an entry's bytes, checking every length against what is left (a
 * hostile length never allocates), the lengths' checksum, the entry's crc and that nothing is
 * left over. Every failure is a DataLossError naming `where`.
 */
export function decodeStringTensor(bytes: Uint8Array, n: number, entryCrc: number, where: string): Uint8Array[] {
  // each element takes at least one length byte: a count past the entry's size is corrupt
  if (n > bytes.length) throw new DataLossError(`${where}: ${n} strings cannot fit in ${bytes.length} bytes`);
  const lengths: number[] = [];
  let pos = 0;
  let crc = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let v = 0;
    let scale = 1;
    for (;;) {
      if (pos >= bytes.length) throw new DataLossError(`${where}: the length of string ${i} is truncated`);
      const b = bytes[pos++];
      v += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 63) throw new DataLossError(`${where}: the length of string ${i} is not a valid varint64`);
    }
    if (v > MAX_SAFE_LENGTH) throw new DataLossError(`${where}: string ${i} claims ${v} bytes`);
    total += v;
    if (total > bytes.length) throw new DataLossError(`${where}: string ${i} claims ${v} bytes, past the entry's ${bytes.length} bytes`);
    lengths.push(v);
    crc = crc32cExtend(crc, lengthBytes(v));
  }
  if (pos + 4 > bytes.length) throw new DataLossError(`${where}: the checksum of the string lengths is missing`);
  const check = bytes.subarray(pos, pos + 4);
  const stored = new DataView(check.buffer, check.byteOffset, 4).getUint32(0, true);
  if (unmaskCrc(stored) !== crc) throw new DataLossError(`${where}: checksum mismatch in the string lengths (the data file is corrupt)`);
  crc = crc32cExtend(crc, check);
  pos += 4;
  if (pos + total !== bytes.length) {
    throw new DataLossError(`${where}: the string lengths add up to ${total} bytes but the entry holds ${bytes.length - pos} after them`);
  }
  const out: Uint8Array[] = [];
  for (const len of lengths) {
    const e = bytes.slice(pos, pos + len);
    crc = crc32cExtend(crc, e);
    out.push(e);
    pos += len;
  }
  if (unmaskCrc(entryCrc) !== crc) throw new DataLossError(`${where}: checksum mismatch (the data file is corrupt)`);
  return out;
}
