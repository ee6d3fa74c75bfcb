import type * as NodeOs from 'node:os';
import { nodeBuiltin } from './node_builtin.js';

/** This machine's host name (event file names carry it, as TF's do); reached lazily. */
export function hostname(): string {
  return nodeBuiltin<typeof NodeOs>('os', 'hostname()').hostname();
}
