import type * as NodeWorkerThreads from 'node:worker_threads';
import { hasNodeBuiltins, nodeBuiltin } from './node_builtin.js';

/*
 * Process identity for temp-file names (checkpoint saves mark their unfinished files with the
 * writer's pid and thread so a later save can tell a dead writer's leftovers from a live one's).
 */

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
