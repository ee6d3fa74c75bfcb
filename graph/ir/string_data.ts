import { InvalidArgumentError } from './errors.js';

/**
 * The storage of a `string` tensor: one byte string per element. TF strings are bytes (a
 * checkpoint key, a serialized Summary, a file name), so bytes are what is held; JS strings given
 * by users are UTF-8 encoded on the way in, and `NDArray.toArray()` decodes them on the way out.
 */
export type StringData = readonly Uint8Array[];

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** The UTF-8 bytes of `s`. */
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** `b` decoded as UTF-8 (invalid sequences become U+FFFD: a fetched byte string is shown, not refused). */
export function utf8Text(b: Uint8Array): string {
  return decoder.decode(b);
}

/** One element as bytes: a JS string is UTF-8 encoded, a Uint8Array copied (the caller keeps its own). */
export function toBytes(v: string | Uint8Array): Uint8Array {
  if (typeof v === 'string') return utf8Bytes(v);
  if (v instanceof Uint8Array) return v.slice();
  throw new InvalidArgumentError(`A string tensor element must be a string or a Uint8Array, got ${typeof v}`);
}

/** True for an array whose elements are all byte strings (a string tensor's storage). */
export function isStringData(x: unknown): x is StringData {
  return Array.isArray(x) && x.every((e) => e instanceof Uint8Array);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
