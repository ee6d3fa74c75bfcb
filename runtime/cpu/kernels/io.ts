import { InvalidArgumentError, NDArray, NotFoundError, UnimplementedError, utf8Text } from '../../../graph/ir/index.js';
import type { MergeAttrs, RestoreV1Attrs, SaverDTypesAttrs } from '../../../ops/io/saver_ops.js';
import { writeBundle } from '../../../serialization/checkpoint/bundle.js';
import { openCheckpoint } from '../../../serialization/checkpoint/open_checkpoint.js';
import { mergeBundles } from '../../../serialization/checkpoint/merge_bundles.js';
import { mkdirSync, requireFileSystem } from '../../../platform/fs.js';
import { dirname } from '../../../platform/path.js';
import { kernel } from './kernel.js';

/*
 * TF's checkpoint ops on the host. The kernels only move tensors between the run and
 * serialization/checkpoint, which owns the file format (the summary kernels use it the same way).
 */

function names(x: NDArray): string[] {
  return x.bytes.map(utf8Text);
}

/** TF writes partitioned variables' slices with a non-empty spec; we read and write whole tensors only. */
function checkWhole(slices: NDArray, opType: string): void {
  const spec = names(slices).find((s) => s !== '');
  if (spec !== undefined) throw new UnimplementedError(`${opType}: shape_and_slices '${spec}' names a slice; tensorgraph saves and restores whole tensors only`);
}

/** The checkpoint ops' CPU kernels. */
export const IO_KERNELS = {
  SaveV2: kernel<SaverDTypesAttrs>(([prefix, tensorNames, slices, ...tensors]) => {
    requireFileSystem('SaveV2');
    const keys = names(tensorNames);
    if (keys.length !== tensors.length) throw new InvalidArgumentError(`SaveV2: ${keys.length} tensor names for ${tensors.length} tensors`);
    checkWhole(slices, 'SaveV2');
    const m = new Map<string, NDArray>();
    keys.forEach((k, i) => {
      if (m.has(k)) throw new InvalidArgumentError(`SaveV2: Adding duplicate key: ${k}`);
      m.set(k, tensors[i]);
    });
    const path = utf8Text(prefix.bytes[0]);
    // as TF's BundleWriter: the prefix's directory is made (the Saver's temp `_temp_<uuid>/part`)
    mkdirSync(dirname(path), { recursive: true });
    writeBundle(path, m);
    return [];
  }),
  RestoreV2: kernel<SaverDTypesAttrs>(([prefix, tensorNames, slices], attrs) => {
    requireFileSystem('RestoreV2');
    const keys = names(tensorNames);
    if (keys.length !== attrs.dtypes.length) throw new InvalidArgumentError(`RestoreV2: ${keys.length} tensor names for ${attrs.dtypes.length} dtypes`);
    checkWhole(slices, 'RestoreV2');
    const path = utf8Text(prefix.bytes[0]);
    const reader = openCheckpoint(path);
    // every key and dtype is checked before any tensor is read, as a restore either fully happens or fails
    keys.forEach((k, i) => {
      if (!reader.has(k)) throw new NotFoundError(`Key ${k} not found in checkpoint ${path}`);
      const got = reader.entry(k).dtype;
      if (got !== attrs.dtypes[i]) {
        throw new InvalidArgumentError(`tensor_name = ${k}; expected dtype ${attrs.dtypes[i]} does not equal original dtype ${got ?? `DataType(${reader.entry(k).dtypeEnum})`}`);
      }
    });
    return keys.map((k) => reader.read(k));
  }),
  // TF1's V1 restore ops: V1 files by path or pattern (a V2 prefix is read too, as TF's reader falls back)
  // Restore and RestoreSlice share this routine
  Restore: kernel<RestoreV1Attrs>(([pattern, tensorName, slice], attrs) => {
    requireFileSystem('Restore');
    if (slice !== undefined) checkWhole(slice, 'RestoreSlice');
    const path = utf8Text(pattern.bytes[0]);
    const key = utf8Text(tensorName.bytes[0]);
    const reader = openCheckpoint(path);
    if (!reader.has(key)) throw new NotFoundError(`Key ${key} not found in checkpoint ${path}`);
    const got = reader.entry(key).dtype;
    if (got !== attrs.dt) throw new InvalidArgumentError(`tensor_name = ${key}; expected dtype ${attrs.dt} does not equal original dtype ${got ?? `DataType(${reader.entry(key).dtypeEnum})`}`);
    return [reader.read(key)];
  }),
  MergeV2Checkpoints: kernel<MergeAttrs>(([prefixes, destination], attrs) => {
    requireFileSystem('MergeV2Checkpoints');
    mergeBundles(names(prefixes), utf8Text(destination.bytes[0]), attrs.delete_old_dirs);
    return [];
  }),
};
