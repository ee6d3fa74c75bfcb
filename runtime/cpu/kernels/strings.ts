import { InvalidArgumentError, NDArray, utf8Bytes } from '../../../graph/ir/index.js';
import type { StringJoinAttrs } from '../../../ops/strings/string_ops.js';
import { kernel } from './kernel.js';

const pad5 = (n: number): string => String(n).padStart(5, '0');

function scalarInt(x: NDArray, what: string): number {
  if (x.size !== 1) throw new InvalidArgumentError(`${what} must be a scalar, got shape [${x.shape.join(',')}]`);
  return x.data[0];
}

/** The strings family's CPU kernels (byte strings in, byte strings out). */
export const STRING_KERNELS = {
  StringJoin: kernel<StringJoinAttrs>((inputs, attrs, [out]) => {
    const sep = utf8Bytes(attrs.separator);
    const n = out.shape.reduce((a, b) => a * b, 1);
    const shape = inputs.find((x) => x.rank > 0)?.shape ?? [];
    for (const x of inputs) {
      if (x.rank > 0 && x.shape.join() !== shape.join()) {
        throw new InvalidArgumentError(`StringJoin: input shapes do not match: [${x.shape.join(',')}] vs. [${shape.join(',')}]`);
      }
    }
    const elems: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const parts = inputs.map((x) => x.bytes[x.rank > 0 ? i : 0]);
      const len = parts.reduce((a, p) => a + p.length, 0) + sep.length * Math.max(0, parts.length - 1);
      const e = new Uint8Array(len);
      let at = 0;
      parts.forEach((p, k) => {
        if (k > 0) {
          e.set(sep, at);
          at += sep.length;
        }
        e.set(p, at);
        at += p.length;
      });
      elems.push(e);
    }
    return [new NDArray('string', shape, elems)];
  }),
  ShardedFilename: kernel(([basename, shard, numShards]) => {
    const s = scalarInt(shard, 'shard');
    const n = scalarInt(numShards, 'num_shards');
    const suffix = utf8Bytes(`-${pad5(s)}-of-${pad5(n)}`);
    const base = basename.bytes[0];
    const e = new Uint8Array(base.length + suffix.length);
    e.set(base);
    e.set(suffix, base.length);
    return [new NDArray('string', [], [e])];
  }),
  ShardedFilespec: kernel(([basename, numShards]) => {
    const suffix = utf8Bytes(`-?????-of-${pad5(scalarInt(numShards, 'num_shards'))}`);
    const base = basename.bytes[0];
    const e = new Uint8Array(base.length + suffix.length);
    e.set(base);
    e.set(suffix, base.length);
    return [new NDArray('string', [], [e])];
  }),
};
