import { FailedPreconditionError, formatShape } from '../../../graph/ir/index.js';
import type { ConstAttrs, PlaceholderAttrs } from '../../../ops/leaves/leaves.js';
import { kernel } from './kernel.js';

/** The leaves family's CPU kernels. */
export const LEAVES_KERNELS = {
  Placeholder: kernel<PlaceholderAttrs>((_i, attrs, _o, ctx) => {
    throw new FailedPreconditionError(`You must feed a value for placeholder tensor '${ctx.opName}' with dtype ${attrs.dtype} and shape ${formatShape(attrs.shape)}`);
  }),
  PlaceholderWithDefault: kernel<PlaceholderAttrs>(([x]) => [x]),
  Const: kernel<ConstAttrs>((_i, attrs) => [attrs.value]),
};
