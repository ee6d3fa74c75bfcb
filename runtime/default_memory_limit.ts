/** What a machine is assumed to have when the platform does not say (a browser without `navigator.deviceMemory`). */
const FALLBACK_TOTAL_BYTES = 4 * 2 ** 30;

/**
 * The memory limit a session gets when none is given: a quarter of the machine's memory, so one
 * runaway tensor (`fill` with fed dims [50000, 40000]) fails at once instead of taking the machine
 * for half a minute, while leaving room for the host program and other sessions.
 */
export function defaultMemoryLimitBytes(): number {
  return Math.floor((totalMemoryBytes() ?? FALLBACK_TOTAL_BYTES) / 4);
}

/**
 * The machine's memory, where the platform tells: Node's `os.totalmem()` reached through
 * `process.getBuiltinModule` (no static `node:` import, so the library still bundles for
 * browsers), else the browser's `navigator.deviceMemory` (GiB, rounded by the browser).
 */
function totalMemoryBytes(): number | null {
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    navigator?: { deviceMemory?: unknown };
  };
  const os = g.process?.getBuiltinModule?.('node:os') as { totalmem?: () => number } | undefined;
  const total = os?.totalmem?.();
  if (typeof total === 'number' && total > 0) return total;
  const gib = g.navigator?.deviceMemory;
  return typeof gib === 'number' && gib > 0 ? gib * 2 ** 30 : null;
}
