import { InvalidArgumentError } from '../../../graph/ir/index.js';

/** Appends `v` (an integer in [0, 2^32)) as unsigned LEB128: 7 bits a byte, low bits first. */
export function pushU32(out: number[], v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new InvalidArgumentError(`wasm emitter: ${String(v)} is not a u32`);
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

/** Appends `v` (an integer in [-2^31, 2^31)) as signed LEB128, as i32.const takes it. */
export function pushI32(out: number[], v: number): void {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new InvalidArgumentError(`wasm emitter: ${String(v)} is not an i32`);
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    // done when the rest is all sign bits and the sign bit of this byte agrees with them
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

/** A UTF-8 name with its length, as names in import and export entries are stored. */
export function pushName(out: number[], name: string): void {
  const bytes = new TextEncoder().encode(name);
  pushU32(out, bytes.length);
  for (const b of bytes) out.push(b);
}
