import type { GradTable } from '../op_def.js';
import { BROADCAST_TO_GRADS } from './broadcast_to_grad.js';
import { CONCAT_GRADS } from './concat_grad.js';
import { DYNAMIC_STITCH_GRADS } from './dynamic_stitch_grad.js';
import { FILL_GRADS } from './fill_like_grad.js';
import { GATHER_GRADS } from './gather_grad.js';
import { PAD_GRADS } from './pad_grad.js';
import { SEGMENT_SUM_GRADS } from './segment_sum_grad.js';
import { SLICE_GRADS } from './slice_grad.js';
import { SPLIT_GRADS } from './split_grad.js';
import { TILE_GRADS } from './tile_grad.js';
import type { ArrayOpType } from './index.js';

/** The array family's gradients that live apart from their definitions (see `attachGrads`). */
export const ARRAY_GRADS: GradTable<ArrayOpType> = {
  ...BROADCAST_TO_GRADS,
  ...CONCAT_GRADS,
  ...DYNAMIC_STITCH_GRADS,
  ...FILL_GRADS,
  ...GATHER_GRADS,
  ...PAD_GRADS,
  ...SEGMENT_SUM_GRADS,
  ...SLICE_GRADS,
  ...SPLIT_GRADS,
  ...TILE_GRADS,
};
