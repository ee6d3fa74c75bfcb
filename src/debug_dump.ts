import { DType, InvalidArgumentError, isDType, NDArray, Tensor } from '../graph/ir/index.js';
import { closeSync, mkdirSync, openSync, readFileSync, requireFileSystem, writeSync } from '../platform/fs.js';
import { join } from '../platform/path.js';
import { decodeNpy, encodeNpy } from '../serialization/npy.js';

/** One tensor of a debug dump (`session.run(f, feeds, { debug: { dump: dir } })`). */
export interface DumpEntry {
  /** The tensor's name, `op:i`. */
  readonly name: string;
  readonly opType: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** The .npy file in the dump folder that holds the values. */
  readonly file: string;
  readonly value: NDArray;
}

const INDEX = 'index.json';

function writeFile(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes every value of a run into `dir` (like tfdbg's dump root): one NumPy .npy per tensor, in
 * execution order, and `index.json` listing name, op type, dtype, shape and file.
 */
export function writeDump(dir: string, values: ReadonlyMap<Tensor, NDArray>): void {
  requireFileSystem('session.run debug.dump');
  mkdirSync(dir, { recursive: true });
  const index: Omit<DumpEntry, 'value'>[] = [];
  let i = 0;
  for (const [t, v] of values) {
    const file = `${String(i++).padStart(4, '0')}_${t.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.npy`;
    writeFile(join(dir, file), encodeNpy(v));
    index.push({ name: t.name, opType: t.op.type, dtype: t.dtype, shape: [...v.shape], file });
  }
  writeFile(join(dir, INDEX), new TextEncoder().encode(JSON.stringify({ tensors: index }, null, 1)));
}

/** Reads a dump folder back (tg.debugging.readDump): every entry with its values. */
export function readDump(dir: string): DumpEntry[] {
  requireFileSystem('tg.debugging.readDump');
  const indexPath = join(dir, INDEX);
  const parsed = JSON.parse(new TextDecoder().decode(readFileSync(indexPath))) as { tensors?: unknown };
  if (!Array.isArray(parsed.tensors)) throw new InvalidArgumentError(`${indexPath}: no 'tensors' list; not a tensorgraph debug dump`);
  return parsed.tensors.map((e: { name?: unknown; opType?: unknown; dtype?: unknown; file?: unknown }, k: number) => {
    if (typeof e.name !== 'string' || typeof e.file !== 'string' || !isDType(e.dtype) || /[\\/]/.test(e.file)) {
      throw new InvalidArgumentError(`${indexPath}: entry ${k} is malformed (needs name, dtype and a plain file name)`);
    }
    const value = decodeNpy(new Uint8Array(readFileSync(join(dir, e.file))), e.dtype, join(dir, e.file));
    return { name: e.name, opType: String(e.opType), dtype: e.dtype, shape: value.shape, file: e.file, value };
  });
}
