import { totalMemoryBytes } from '../platform/memory.js';

/**
 * What a machine is assumed to have when the platform does not say (a browser without
 * `navigator.deviceMemory`). The platform layer (`platform/`) asks the machine: runtime imports no
 * `node:` module.
 */
const FALLBACK_TOTAL_BYTES = 4 * 2 ** 30;

/**
 * The memory limit a session gets when none is given: a quarter of the machine's memory, so one
 * runaway tensor (`fill` with fed dims [50000, 40000]) fails at once instead of taking the machine
 * for half a minute, while leaving room for the host program and other sessions.
 */
export function defaultMemoryLimitBytes(): number {
  return Math.floor((totalMemoryBytes() ?? FALLBACK_TOTAL_BYTES) / 4);
}
