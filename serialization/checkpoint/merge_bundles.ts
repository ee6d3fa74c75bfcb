import { readdirSync, readFileSync, renameSync, rmdirSync, unlinkSync } from '../../platform/fs.js';
import { dirname } from '../../platform/path.js';
import { DataLossError, InvalidArgumentError, NotFoundError } from '../../graph/ir/index.js';
import { decodeMessage, encodeMessage, pb } from '../codec.js';
import { writeFileAtomic } from './atomic_file.js';
import { dataPath, indexPath } from './bundle.js';
import { buildTable, readTable } from './sstable.js';

interface Header {
  num_shards?: number;
  endianness?: number;
  version?: { producer?: number; min_consumer?: number };
}

interface Entry {
  shard_id?: number;
  slices?: unknown[];
  [k: string]: unknown;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * TF's MergeBundles (what MergeV2Checkpoints runs after a sharded save): the index entries of the
 * bundles at `prefixes` become one index at `destination`, their data files are renamed to the
 * destination's shard names (`dest.data-0000k-of-0000n`), and with `deleteOldDirs` each source's
 * directory is removed when it is left empty. Every source index is read and checked before
 * anything is renamed.
 */
export function mergeBundles(prefixes: readonly string[], destination: string, deleteOldDirs: boolean): void {
  if (prefixes.length === 0) throw new InvalidArgumentError('MergeV2Checkpoints: no checkpoint prefixes to merge');
  const entries = new Map<string, { key: Uint8Array; entry: Entry }>();
  const shardIds = new Map<string, number>();
  let header: Header | null = null;
  const decoder = new TextDecoder();
  for (const prefix of prefixes) {
    const file = indexPath(prefix);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new NotFoundError(`MergeV2Checkpoints: cannot read ${file} (${(e as Error).message})`);
    }
    const table = readTable(bytes, file);
    if (table.length === 0 || table[0][0].length !== 0) throw new DataLossError(`${file}: the bundle header entry (empty key) is missing`);
    const h = decodeMessage<Header>(pb.BundleHeaderProto, table[0][1], `${file}: header`);
    const numShards = h.num_shards ?? 0;
    if (!Number.isInteger(numShards) || numShards < 1 || numShards > 100000) throw new DataLossError(`${file}: bad shard count ${numShards}`);
    if (header === null) header = h;
    else if ((header.endianness ?? 0) !== (h.endianness ?? 0)) throw new InvalidArgumentError('Merging bundles with conflicting endianness; inputs corrupted?');
    for (const [key, value] of table.slice(1)) {
      const name = decoder.decode(key);
      const entry = decodeMessage<Entry>(pb.BundleEntryProto, value, `${file}: entry '${name}'`);
      if (entries.has(name)) throw new InvalidArgumentError(`Duplicate tensor keyed by ${name} encountered, when merging prefix: ${prefix}`);
      const shard = entry.shard_id ?? 0;
      if (!Number.isInteger(shard) || shard < 0 || shard >= numShards) throw new DataLossError(`${file}: entry '${name}': shard ${shard} out of range [0, ${numShards})`);
      const source = dataPath(prefix, shard, numShards);
      if (!shardIds.has(source)) shardIds.set(source, shardIds.size);
      entries.set(name, { key, entry: { ...entry, shard_id: shardIds.get(source)! } });
    }
  }
  const n = shardIds.size;
  for (const [source, id] of shardIds) renameSync(source, dataPath(destination, id, Math.max(n, 1)));
  const rows: [Uint8Array, Uint8Array][] = [
    [new Uint8Array(0), encodeMessage(pb.BundleHeaderProto, { ...header!, num_shards: Math.max(n, 1) })],
    ...[...entries.values()].sort((a, b) => compareBytes(a.key, b.key)).map((e): [Uint8Array, Uint8Array] => [e.key, encodeMessage(pb.BundleEntryProto, e.entry)]),
  ];
  writeFileAtomic(indexPath(destination), buildTable(rows));
  for (const prefix of prefixes) {
    if (prefix === destination) continue;
    try {
      unlinkSync(indexPath(prefix));
    } catch {
      // already gone: nothing to tidy
    }
    if (deleteOldDirs) {
      const dir = dirname(prefix);
      try {
        if (readdirSync(dir).length === 0) rmdirSync(dir);
      } catch {
        // TF ignores a directory it cannot remove (not empty, already gone)
      }
    }
  }
}
