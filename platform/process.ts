import type * as NodeWorkerThreads from 'node:worker_threads';
import { hasNodeBuiltins, nodeBuiltin } from './node_builtin.js';

/*
 * Process identity for temp-file names (checkpoint saves mark their unfinished files with the
 * writer's pid and thread so a later save can tell a dead writer's leftovers from a live one's).
 */

/** This process's id (0 where there is no Node process: browsers, which write no temp files). */
export function processId(): number {
  return hasNodeBuiltins() ? process.pid : 0;
}

/** Whether a process with this id is alive: signal 0 probes it (EPERM: alive, someone else's). */
export function processAlive(pid: number): boolean {
  // pid 0 and negative pids would address process groups; no writer ever had one
  if (!hasNodeBuiltins() || !Number.isSafeInteger(pid) || pid < 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This thread's id within the process (0 on the main thread and where there are no threads). */
export function threadId(): number {
  if (!hasNodeBuiltins()) return 0;
  return nodeBuiltin<typeof NodeWorkerThreads>('worker_threads', 'threadId').threadId;
}

/** `bytes` random bytes as lowercase hex, from the Web Crypto API (Node >= 19 and browsers). */
export function randomHex(bytes: number): string {
  const b = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
