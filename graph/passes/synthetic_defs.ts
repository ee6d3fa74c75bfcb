import { InternalError } from '../ir/index.js';
import { defineOp } from '../../ops/op_def.js';

/**
 * The def of a fed value's node. It is never executed (the plan fills its slot from the feeds);
 * a backend asked to run it fails loudly.
 */
export const FEED_DEF = defineOp({
  type: '_Feed',
  infer: () => {
    throw new InternalError('_Feed nodes have no inference: their type is the fed value');
  },
  lowering: { kind: 'none', reason: 'a feed is never executed: the plan fills its slot from the feeds' },
  grad: 'none',
});
