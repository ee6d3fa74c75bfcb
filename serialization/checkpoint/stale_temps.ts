import { readdirSync } from '../../platform/fs.js';
import { join, resolve } from '../../platform/path.js';
import { processAlive, processId, threadId } from '../../platform/process.js';
import { removeQuietly } from './atomic_file.js';

/**
 * Names our writers give unfinished files (atomic_file.ts's tempMarker): `<name>.tmp<pid>-<thread>_<8 hex>`;
 * a staged bundle (checkpoint_commit.ts) adds `.index`, `.data-NNNNN-of-NNNNN` or `.meta` to such a name.
 */
const TEMP_NAME = /\.tmp(\d+)-(\d+)_[0-9a-f]{8}(\.index|\.data-\d{5}-of-\d{5}|\.meta)?$/;
/** Temp files of earlier versions, which wrote `<checkpoint file>.tmp<pid>_<base36>`. */
const LEGACY_TEMP_NAME = /(?:^checkpoint|\.index|\.data-\d{5}-of-\d{5}|\.meta)\.tmp(\d+)_[0-9a-z]{1,8}$/;

/**
 * Whether the writer of a temp file is gone. The caller runs synchronously and has no write of
 * its own in flight, so a file of this very thread is left over from an earlier save that threw
 * or from a killed process whose pid we now have (containers reuse pids). A file of another live
 * process, or of another thread here, may be a save in progress and is left alone.
 */
function writerGone(pid: number, tid: number | undefined): boolean {
  if (pid === processId()) return tid === undefined || tid === threadId();
  return !processAlive(pid);
}

/**
 * Removes the temp files and staged bundles in `dir` whose writer is gone, except files of the
 * prefixes in `keep` (those a state file names, as absolute paths). Returns the names removed.
 */
export function removeStaleTemps(dir: string, keep: ReadonlySet<string>): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    const legacy = m ? null : LEGACY_TEMP_NAME.exec(name);
    if (m) {
      if (m[3] !== undefined && keep.has(resolve(dir, name.slice(0, -m[3].length)))) continue;
      if (!writerGone(Number(m[1]), Number(m[2]))) continue;
    } else if (!legacy || !writerGone(Number(legacy[1]), undefined)) continue;
    removeQuietly(join(dir, name));
    removed.push(name);
  }
  return removed;
}
