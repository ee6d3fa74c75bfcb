import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from '../platform/fs.js';
import { dirname } from '../platform/path.js';

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one: a temp
 * file beside it, fsync, rename, then fsync of the directory so the rename itself is durable.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file may not exist; the original error is what matters
    }
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  syncDir(dirname(path));
}

function syncDir(dir: string): void {
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
