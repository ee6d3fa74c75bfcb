export { STRING_OPS, StringJoin, ShardedFilename, ShardedFilespec, stringJoin, shardedFilename } from './string_ops.js';
