import { existsSync } from '../../platform/fs.js';
import type { DType, NDArray } from '../../graph/ir/index.js';
import { BundleReader, indexPath } from './bundle.js';
import { TensorSliceReader, v1CheckpointFiles } from './tensor_slice_reader.js';

/** What restoring asks of a checkpoint, whichever format it is in. */
export interface CheckpointReader {
  readonly prefix: string;
  list(): [string, number[]][];
  names(): string[];
  has(name: string): boolean;
  entry(name: string): { readonly dtype: DType | null; readonly dtypeEnum: number; readonly shape: readonly number[] };
  read(name: string): NDArray;
}

/** True when `path` names a checkpoint: a V2 bundle (`path.index`) or V1 file(s). */
export function checkpointExists(path: string): boolean {
  return existsSync(indexPath(path)) || v1CheckpointFiles(path).length > 0;
}

/**
 * A V2 bundle when `path.index` exists, else a V1 (TensorSliceReader) checkpoint, as TF's
 * checkpoint reader and RestoreV2 fall back to V1; a path naming neither is the bundle reader's
 * NotFoundError.
 */
export function openCheckpoint(path: string): CheckpointReader {
  if (!existsSync(indexPath(path)) && v1CheckpointFiles(path).length > 0) return new TensorSliceReader(path);
  return new BundleReader(path);
}
