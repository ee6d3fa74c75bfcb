import type * as NodePath from 'node:path';
import { nodeBuiltin } from './node_builtin.js';

/*
 * Path helpers with Node's names, reached lazily like platform/fs.ts. They are only called on
 * the way to a file operation, so where Node is absent the error comes at the same place.
 */

type PathModule = typeof NodePath;

function path(caller: string): PathModule {
  return nodeBuiltin<PathModule>('path', caller);
}

export function join(...parts: string[]): string {
  return path(`join(${JSON.stringify(parts[0] ?? '')}, …)`).join(...parts);
}

export function dirname(p: string): string {
  return path(`dirname(${JSON.stringify(p)})`).dirname(p);
}

export function isAbsolute(p: string): boolean {
  return path(`isAbsolute(${JSON.stringify(p)})`).isAbsolute(p);
}

export function resolve(...parts: string[]): string {
  return path(`resolve(${JSON.stringify(parts[0] ?? '')}, …)`).resolve(...parts);
}
