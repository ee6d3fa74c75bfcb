import { InvalidArgumentError } from '../../../graph/ir/index.js';

/** What protobufjs decodes an int64 field into when the `long` package is present. */
interface LongLike {
  toNumber(): number;
}

function isLong(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as LongLike).toNumber === 'function';
}

/**
 * An int64 field as a JS number. Values beyond 2^53 lose precision but keep their sign and
 * magnitude, which is all their uses here need (INT64_MAX as "to the end", clamped later).
 */
export function toInt(v: unknown, where: string): number {
  const n = typeof v === 'number' ? v : isLong(v) ? v.toNumber() : NaN;
  if (!Number.isFinite(n) || !Number.isInteger(n)) throw new InvalidArgumentError(`${where}: expected an integer, got ${String(v)}`);
  return n;
}
