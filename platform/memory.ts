import type * as NodeOs from 'node:os';
import { hasNodeBuiltins, nodeBuiltin } from './node_builtin.js';

/**
 * The machine's memory in bytes, where the platform tells: Node's `os.totalmem()` (reached lazily
 * like the rest of this layer), else a browser's `navigator.deviceMemory` (GiB, rounded by the
 * browser); null where neither says.
 */
export function totalMemoryBytes(): number | null {
  if (hasNodeBuiltins()) {
    const total = nodeBuiltin<typeof NodeOs>('os', 'totalmem()').totalmem();
    if (typeof total === 'number' && total > 0) return total;
  }
  const gib = (globalThis as { navigator?: { deviceMemory?: unknown } }).navigator?.deviceMemory;
  return typeof gib === 'number' && gib > 0 ? gib * 2 ** 30 : null;
}
