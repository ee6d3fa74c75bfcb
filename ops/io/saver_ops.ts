import { DType, formatShape, InvalidArgumentError, Operation, Tensor } from '../../graph/ir/index.js';
import { makeOp, TensorLike, toTensor } from '../builder.js';
import { ANY, checkDType } from '../dtype_sets.js';
import { defineOp, InputSpec, OpDef } from '../op_def.js';

/*
 * TF's checkpoint ops, so that the Saver subgraph of a TF-written MetaGraph (`save/SaveV2`,
 * `save/RestoreV2`, `save/MergeV2Checkpoints`, `save/restore_all`) runs through `session.run`.
 * They read and write checkpoint V2 bundles on the host (the kernels are in the CPU table; the
 * file format is serialization/checkpoint's). Stateful: never folded, deduplicated or skipped.
 * Not differentiable; no ONNX counterpart.
 */

export type SaverDTypesAttrs = { dtypes: readonly DType[] };
export type MergeAttrs = { delete_old_dirs: boolean; allow_missing_files: boolean };

function stringArg(opType: string, param: string, x: InputSpec, rank: 0 | 1): void {
  checkDType(param, x.dtype, ['string']);
  if (x.shape !== null && x.shape.length !== rank) {
    throw new InvalidArgumentError(`${opType}: ${param} must be ${rank === 0 ? 'a scalar' : 'a vector'}, got shape ${formatShape(x.shape)}`);
  }
}

/** The names and slices vectors must have one entry per tensor when their length is known. */
function checkCounts(opType: string, names: InputSpec, slices: InputSpec, n: number): void {
  for (const [p, x] of [['tensor_names', names], ['shape_and_slices', slices]] as const) {
    const len = x.shape?.[0];
    if (len !== undefined && len !== null && len !== n) throw new InvalidArgumentError(`${opType}: ${p} has ${len} entries for ${n} tensors`);
  }
}

/** Writes `tensors` under `tensor_names` to the checkpoint `prefix` (prefix.index, prefix.data-00000-of-00001). */
export const SaveV2 = defineOp<SaverDTypesAttrs>()({
  type: 'SaveV2',
  infer(inputs, attrs, ctx) {
    const [prefix, names, slices, ...tensors] = inputs;
    stringArg(ctx.opType, 'prefix', prefix, 0);
    stringArg(ctx.opType, 'tensor_names', names, 1);
    stringArg(ctx.opType, 'shape_and_slices', slices, 1);
    if (tensors.length !== attrs.dtypes.length) throw new InvalidArgumentError(`${ctx.opType}: ${tensors.length} tensors for ${attrs.dtypes.length} dtypes`);
    tensors.forEach((t, i) => {
      if (t.dtype !== attrs.dtypes[i]) throw new InvalidArgumentError(`${ctx.opType}: tensors[${i}] is ${t.dtype}, dtypes[${i}] says ${attrs.dtypes[i]}`);
    });
    checkCounts(ctx.opType, names, slices, tensors.length);
    return [];
  },
  lowering: { kind: 'routine', routine: 'SaveV2' },
  grad: 'none',
  stateful: true,
});

/** Reads `tensor_names` from the checkpoint `prefix`, one output of each dtype in `dtypes`. */
export const RestoreV2 = defineOp<SaverDTypesAttrs>()({
  type: 'RestoreV2',
  infer(inputs, attrs, ctx) {
    const [prefix, names, slices] = inputs;
    stringArg(ctx.opType, 'prefix', prefix, 0);
    stringArg(ctx.opType, 'tensor_names', names, 1);
    stringArg(ctx.opType, 'shape_and_slices', slices, 1);
    if (attrs.dtypes.length === 0) throw new InvalidArgumentError(`${ctx.opType}: dtypes is empty: nothing to restore`);
    attrs.dtypes.forEach((d, i) => checkDType(`dtypes[${i}]`, d, ANY));
    checkCounts(ctx.opType, names, slices, attrs.dtypes.length);
    // a checkpoint's shapes are known only when the file is read
    return attrs.dtypes.map((dtype) => ({ dtype, shape: null }));
  },
  lowering: { kind: 'routine', routine: 'RestoreV2' },
  grad: 'none',
  stateful: true,
});

/** Merges the sharded checkpoints at `checkpoint_prefixes` into `destination_prefix` (TF's MergeBundles). */
export const MergeV2Checkpoints = defineOp<MergeAttrs>()({
  type: 'MergeV2Checkpoints',
  attrDefaults: { delete_old_dirs: true, allow_missing_files: false },
  infer([prefixes, destination], _a, ctx) {
    stringArg(ctx.opType, 'checkpoint_prefixes', prefixes, 1);
    stringArg(ctx.opType, 'destination_prefix', destination, 0);
    return [];
  },
  lowering: { kind: 'routine', routine: 'MergeV2Checkpoints' },
  grad: 'none',
  stateful: true,
});

export type RestoreV1Attrs = { dt: DType; preferred_shard: number };

/** TF1's Restore and RestoreSlice (V1 savers): one tensor of dtype `dt` from the checkpoint files `file_pattern` names. */
function restoreV1<const T extends 'Restore' | 'RestoreSlice'>(type: T) {
  return defineOp<RestoreV1Attrs>()({
    type,
    attrDefaults: { preferred_shard: -1 },
    infer(inputs, attrs, ctx) {
      const names = type === 'Restore' ? ['file_pattern', 'tensor_name'] : ['file_pattern', 'tensor_name', 'shape_and_slice'];
      inputs.forEach((x, i) => stringArg(ctx.opType, names[i], x, 0));
      checkDType('dt', attrs.dt, ANY);
      return [{ dtype: attrs.dt, shape: null }];
    },
    lowering: { kind: 'routine', routine: 'Restore' },
    grad: 'none',
    stateful: true,
  });
}

export const Restore = restoreV1('Restore');
export const RestoreSlice = restoreV1('RestoreSlice');

export const SAVER_OPS = [SaveV2, RestoreV2, MergeV2Checkpoints, Restore, RestoreSlice] as const satisfies readonly OpDef[];

/** TF's raw SaveV2: writes `tensors` to the checkpoint at `prefix`. */
export function saveV2(prefix: TensorLike, names: readonly string[], tensors: readonly Tensor[], name?: string): Operation {
  const ts = tensors.map((t) => toTensor(t));
  const nameT = toTensor(names.length === 0 ? [] : [...names], 'string');
  const slices = toTensor(names.map(() => ''), 'string');
  return makeOp(SaveV2, [toTensor(prefix, 'string'), nameT, slices, ...ts], { dtypes: ts.map((t) => t.dtype) }, { name });
}

/** TF's raw RestoreV2: one tensor per name, of the dtype given for it. */
export function restoreV2(prefix: TensorLike, names: readonly string[], dtypes: readonly DType[], name?: string): Tensor[] {
  const nameT = toTensor([...names], 'string');
  const slices = toTensor(names.map(() => ''), 'string');
  return [...makeOp(RestoreV2, [toTensor(prefix, 'string'), nameT, slices], { dtypes: [...dtypes] }, { name }).outputs];
}

/** TF's raw MergeV2Checkpoints. */
export function mergeV2Checkpoints(prefixes: TensorLike, destination: TensorLike, deleteOldDirs = true, name?: string): Operation {
  return makeOp(MergeV2Checkpoints, [toTensor(prefixes, 'string'), toTensor(destination, 'string')], { delete_old_dirs: deleteOldDirs }, { name });
}
