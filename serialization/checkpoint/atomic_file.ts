import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from '../../platform/fs.js';
import { dirname } from '../../platform/path.js';
import { processId, randomHex, threadId } from '../../platform/process.js';

/**
 * The marker our writers put in names of files that are not (yet) part of a checkpoint:
 * `<name>.tmp<pid>-<thread>_<8 hex>`. stale_temps.ts recognises it, so that what a killed save
 * left behind can be told from other programs' files and from saves still running.
 */
export function tempMarker(): string {
  return `.tmp${processId()}-${threadId()}_${randomHex(4)}`;
}

/** Writes `data` to a new file `path` and fsyncs it; on failure the partial file is removed. */
export function writeFileDurable(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, 'wx');
  try {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    removeQuietly(path);
    throw e;
  }
  closeSync(fd);
}

/** Writes `data` beside `path` under a temp name (durably) and returns that name. */
export function stageFile(path: string, data: Uint8Array | string): string {
  const tmp = `${path}${tempMarker()}`;
  writeFileDurable(tmp, data);
  return tmp;
}

/** Renames a staged file over `path` and makes the rename durable. */
export function commitFile(tmp: string, path: string): void {
  renameSync(tmp, path);
  syncDir(dirname(path));
}

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one: a temp
 * file beside it, fsync, rename, then fsync of the directory so the rename itself is durable.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  commitFile(stageFile(path, data), path);
}

/** Fsyncs a directory so that renames and new entries in it survive a crash, where supported. */
export function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // some platforms cannot fsync a directory; the rename is still atomic there
  } finally {
    closeSync(fd);
  }
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone: nothing to remove
  }
}
