import type { OpDef, TypesOf } from '../op_def.js';
import { ExpandDims, Rank, Reshape, Shape, Size, Squeeze } from './reshape.js';
import { BroadcastGradientArgs, BroadcastTo } from './broadcast.js';
import { Fill, OnesLike, ZerosLike } from './fill_like.js';
import { Cast } from './cast.js';
import { Range } from './range.js';
import { InvertPermutation, Transpose } from './transpose.js';
import { ConcatV2 } from './concat.js';
import { Pack, Unpack } from './pack.js';
import { Split, SplitV } from './split.js';
import { Slice } from './slice.js';
import { StridedSlice, StridedSliceGrad } from './strided_slice.js';
import { GatherV2 } from './gather.js';
import { UnsortedSegmentSum } from './segment_sum.js';
import { Pad, PadV2 } from './pad.js';
import { Tile } from './tile.js';
import { OneHot } from './one_hot.js';
import { DynamicStitch, ParallelDynamicStitch } from './dynamic_stitch.js';

export const ARRAY_OPS = [
  Reshape, Shape, Size, Rank, Squeeze, ExpandDims,
  BroadcastGradientArgs, BroadcastTo,
  Fill, ZerosLike, OnesLike, Range, Cast,
  Transpose, InvertPermutation,
  ConcatV2, Pack, Unpack, Split, SplitV,
  Slice, StridedSlice, StridedSliceGrad,
  GatherV2, UnsortedSegmentSum,
  Pad, PadV2, Tile, OneHot,
  DynamicStitch, ParallelDynamicStitch,
] as const satisfies readonly OpDef[];
export type ArrayOpType = TypesOf<typeof ARRAY_OPS>;
