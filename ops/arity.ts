import { InvalidArgumentError } from '../graph/ir/index.js';
import type { AttrMap } from '../graph/ir/index.js';
import { tfOpDef } from './tf_op_defs.js';

/**
 * The number of data inputs an op takes, from TF's op definition (a list arg counts what its
 * number attr says, or at least one tensor when the attr is not given), checked when an op is
 * created: a one-input Mul is refused here instead of reaching inference or a kernel.
 */

/** TF inputs our op holds as attrs instead (the summary tag, kept as an attr so files read back unchanged). */
const INPUTS_AS_ATTRS: Readonly<Record<string, number>> = { ScalarSummary: 1, HistogramSummary: 1 };

export function checkArity(type: string, count: number, attrs: AttrMap, where: string): void {
  const tf = tfOpDef(type);
  if (!tf) return;
  const fixed = tf.inputs.filter((a) => !a.numberAttr && !a.typeListAttr).length - (INPUTS_AS_ATTRS[type] ?? 0);
  const lists = tf.inputs.filter((a) => a.numberAttr || a.typeListAttr);
  let expected = fixed;
  for (const a of lists) {
    if (a.typeListAttr) {
      const types = Object.hasOwn(attrs, a.typeListAttr) ? attrs[a.typeListAttr] : undefined;
      expected += Array.isArray(types) ? types.length : Math.max(0, count - fixed);
      continue;
    }
    const n = Object.hasOwn(attrs, a.numberAttr!) ? attrs[a.numberAttr!] : undefined;
    expected += typeof n === 'number' ? n : Math.max(1, Math.floor((count - fixed) / lists.length));
  }
  if (count !== expected) {
    const names = tf.inputs.map((a) => (a.numberAttr ? `${a.name}[${a.numberAttr}]` : a.name)).join(', ');
    throw new InvalidArgumentError(`${where}: expects ${expected} input${expected === 1 ? '' : 's'} (${names}), got ${count}`);
  }
}
