import type * as NodeFs from 'node:fs';
import { nodeBuiltin, noFileSystem, hasNodeBuiltins } from './node_builtin.js';

/*
 * The synchronous file operations tensorgraph uses, with Node's names and signatures, so that a
 * file module swaps `from 'node:fs'` for `from './fs.js'` and nothing else. Each call
 * reaches `node:fs` lazily (see node_builtin.ts); where there is none it throws UnimplementedError.
 * Public path-taking functions call `requireFileSystem('tg.x.y')` first so that the error names
 * them rather than the low-level operation.
 */

type Fs = typeof NodeFs;

/** Throws UnimplementedError naming `caller` when no file system is reachable. */
export function requireFileSystem(caller: string): void {
  if (!hasNodeBuiltins()) throw noFileSystem(caller);
}

function forward<K extends keyof Fs>(name: K): Fs[K] {
  const f = (...args: unknown[]): unknown => {
    const fs = nodeBuiltin<Fs>('fs', `${String(name)}(${typeof args[0] === 'string' ? JSON.stringify(args[0]) : '…'})`);
    return (fs[name] as (...a: unknown[]) => unknown)(...args);
  };
  return f as Fs[K];
}

export const readFileSync = forward('readFileSync');
export const existsSync = forward('existsSync');
export const mkdirSync = forward('mkdirSync');
export const readdirSync = forward('readdirSync');
export const statSync = forward('statSync');
export const unlinkSync = forward('unlinkSync');
export const renameSync = forward('renameSync');
export const openSync = forward('openSync');
export const closeSync = forward('closeSync');
export const readSync = forward('readSync');
export const writeSync = forward('writeSync');
export const fsyncSync = forward('fsyncSync');
export const fstatSync = forward('fstatSync');
export const linkSync = forward('linkSync');
export const rmdirSync = forward('rmdirSync');

/** Copies `src` to a new file `dest`, failing if `dest` exists (COPYFILE_EXCL). */
export function copyFileExclusiveSync(src: string, dest: string): void {
  const fs = nodeBuiltin<Fs>('fs', `copyFileSync(${JSON.stringify(src)})`);
  fs.copyFileSync(src, dest, fs.constants.COPYFILE_EXCL);
}
