import { formatShape, InvalidArgumentError, mergeShapes, PartialShape, Tensor } from '../../graph/ir/index.js';
import { makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS } from '../dtype_sets.js';
import { defineOp, InputSpec, OpDef } from '../op_def.js';

/*
 * TF's string ops that graphs written by TF use to name checkpoint files (the Saver subgraph:
 * `save/StringJoin`, `save/ShardedFilename`, `save/ShardedFilespec`). Strings live on the host:
 * placement puts these ops on the CPU whatever the session's device. Not differentiable; no
 * ONNX counterpart (an exported inference graph has no file names in it).
 */

export type StringJoinAttrs = { separator: string; N: number };

function checkString(param: string, x: InputSpec): void {
  checkDType(param, x.dtype, ['string']);
}

function checkScalar(opType: string, param: string, x: InputSpec): void {
  if (x.shape !== null && x.shape.length !== 0) throw new InvalidArgumentError(`${opType}: ${param} must be a scalar, got shape ${formatShape(x.shape)}`);
}

/** Joins its inputs elementwise with `separator`; scalars are repeated against the others' shape (TF's rule). */
export const StringJoin = defineOp<StringJoinAttrs>()({
  type: 'StringJoin',
  attrDefaults: { separator: '' },
  infer(inputs) {
    if (inputs.length === 0) throw new InvalidArgumentError('StringJoin needs at least one input');
    let shape: PartialShape = [];
    inputs.forEach((x, i) => {
      checkString(`inputs[${i}]`, x);
      if (x.shape !== null && x.shape.length === 0) return;
      // every non-scalar input must have the same shape
      shape = shape !== null && shape.length === 0 ? x.shape : mergeShapes(shape, x.shape, 'StringJoin');
    });
    return [{ dtype: 'string', shape }];
  },
  lowering: { kind: 'routine', routine: 'StringJoin' },
  grad: 'none',
});

/** `basename-SSSSS-of-NNNNN`: the data file name of shard `shard` of `num_shards`. */
export const ShardedFilename = defineOp({
  type: 'ShardedFilename',
  infer([basename, shard, numShards], _a, ctx) {
    checkString('basename', basename);
    checkDType('shard', shard.dtype, ['int32']);
    checkDType('num_shards', numShards.dtype, ['int32']);
    for (const [p, x] of [['basename', basename], ['shard', shard], ['num_shards', numShards]] as const) checkScalar(ctx.opType, p, x);
    return [{ dtype: 'string', shape: [] }];
  },
  lowering: { kind: 'routine', routine: 'ShardedFilename' },
  grad: 'none',
});

/** `basename-?????-of-NNNNN`: the glob of all shards' files. */
export const ShardedFilespec = defineOp({
  type: 'ShardedFilespec',
  infer([basename, numShards], _a, ctx) {
    checkString('basename', basename);
    checkDType('num_shards', numShards.dtype, INTEGERS);
    checkScalar(ctx.opType, 'basename', basename);
    checkScalar(ctx.opType, 'num_shards', numShards);
    return [{ dtype: 'string', shape: [] }];
  },
  lowering: { kind: 'routine', routine: 'ShardedFilespec' },
  grad: 'none',
});

export const STRING_OPS = [StringJoin, ShardedFilename, ShardedFilespec] as const satisfies readonly OpDef[];

/** tf.strings.join: elementwise concatenation of string tensors (scalars broadcast). */
export function stringJoin(inputs: readonly TensorLike[], separator = '', name?: string): Tensor {
  const ts = inputs.map((x) => toTensor(x));
  return makeOp(StringJoin, ts, { separator, N: ts.length }, { name }).outputs[0];
}

/** TF's ShardedFilename: `basename-00001-of-00004`. */
export function shardedFilename(basename: TensorLike, shard: TensorLike, numShards: TensorLike, name?: string): Tensor {
  return makeOp(ShardedFilename, [toTensor(basename), toTensor(shard, 'int32'), toTensor(numShards, 'int32')], {}, { name }).outputs[0];
}
