import { requireFileSystem, statSync } from '../../platform/fs.js';
import { formatShape, InvalidArgumentError, NDArray, NotFoundError } from '../../graph/ir/index.js';
import type { Variable } from '../../ops/state/variable.js';
import { tfDTypeName } from '../dtypes.js';
import { partialShapeMatches } from './bundle.js';
import { openCheckpoint } from './open_checkpoint.js';
import { latestCheckpoint } from './state.js';

/** A checkpoint prefix, or the latest checkpoint of a directory (as TF's checkpoint_utils accept). */
export function resolveCheckpoint(prefixOrDir: string): string {
  let isDir = false;
  try {
    isDir = statSync(prefixOrDir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) return prefixOrDir;
  const latest = latestCheckpoint(prefixOrDir);
  if (!latest) throw new NotFoundError(`Couldn't find 'checkpoint' file or checkpoints in given directory ${prefixOrDir}`);
  return latest;
}

export function listVariables(prefixOrDir: string): [string, number[]][] {
  requireFileSystem('tg.train.listVariables');
  return openCheckpoint(resolveCheckpoint(prefixOrDir)).list();
}

export function loadVariable(prefixOrDir: string, name: string): NDArray {
  requireFileSystem('tg.train.loadVariable');
  return openCheckpoint(resolveCheckpoint(prefixOrDir)).read(name.replace(/:0$/, ''));
}

/**
 * Reads the values of `vars` (checkpoint key → variable) and checks every dtype, shape and checksum
 * before returning anything, so that a restore either sets all variables or none.
 */
export function readForRestore(prefix: string, vars: ReadonlyMap<string, Variable>): Map<string, NDArray> {
  const reader = openCheckpoint(prefix);
  const out = new Map<string, NDArray>();
  for (const [key, v] of vars) {
    if (!reader.has(key)) throw new NotFoundError(`Key ${key} not found in checkpoint ${prefix}`);
    const e = reader.entry(key);
    if (e.dtype !== v.dtype) {
      throw new InvalidArgumentError(`${prefix}: tensor ${key} has dtype ${tfDTypeName(e.dtypeEnum)} in the checkpoint, but variable ${v.op.name} is ${v.dtype}`);
    }
    if (!partialShapeMatches(v.shape, e.shape)) {
      throw new InvalidArgumentError(
        `Assign requires shapes of both tensors to match. lhs shape= ${formatShape(v.shape)} rhs shape= ${formatShape(e.shape)} (restoring ${v.op.name} from ${prefix})`,
      );
    }
    out.set(v.op.name, reader.read(key));
  }
  return out;
}
