import { closeSync, copyFileExclusiveSync, fsyncSync, linkSync, openSync, renameSync } from '../../platform/fs.js';
import { dirname, join, resolve } from '../../platform/path.js';
import type { NDArray } from '../../graph/ir/index.js';
import { commitFile, removeQuietly, stageFile, syncDir, tempMarker, writeFileDurable } from './atomic_file.js';
import { dataPath, encodeBundle, indexPath } from './bundle.js';
import { removeStaleTemps } from './stale_temps.js';
import { checkpointStateText, STATE_FILE, statePrefixes } from './state.js';

/**
 * A crash-safe checkpoint save. A checkpoint is several files (`.data-00000-of-00001`, `.index`,
 * `.meta`) and no file system renames several files at once, so rewriting a prefix in place always
 * has a moment where its index and data disagree. The only single-file commit point is the
 * `checkpoint` state file, so every step keeps it naming a complete set:
 *
 *  1. stage: the new files are written (and fsynced) under a fresh generation prefix
 *     `<path>.tmp<pid>-<thread>_<hex>` that nothing names yet;
 *  2. if the state file names `path` (saving again to one prefix), it is switched to the
 *     generation first, so the old files at `path` are free to change;
 *  3. publish: each staged file is hard-linked (copied where links are not supported) to a temp
 *     name and renamed over `path`'s file, so `path` ends up exactly as TF lays it out;
 *  4. the state file is switched to `path`, atomically (temp, fsync, rename, directory fsync);
 *  5. the generation's names, checkpoints beyond maxToKeep and temp files left by killed saves
 *     (stale_temps.ts) are removed.
 *
 * A kill before 2 leaves the old state and its files untouched; between 2 and 4 the state names
 * the generation, whose files never change once staged; after 4 it names the new `path`.
 * Leftovers of a killed save are swept up by the next one. The steps are a list, so a test can
 * stop after any of them, as a kill would.
 */
export interface CheckpointSave {
  /** The prefix asked for: `dir/model` or `dir/model-1000`. */
  readonly path: string;
  readonly tensors: ReadonlyMap<string, NDArray>;
  /** The `.meta` file's bytes, or null for none. */
  readonly meta: Uint8Array | null;
  /** What the state file lists once saved: kept prefixes oldest first, `path` last, with times in seconds. */
  readonly kept: readonly { readonly path: string; readonly time: number }[];
  /** Prefixes whose files are deleted once the state file no longer names them (maxToKeep). */
  readonly drop: readonly string[];
}

export interface SaveStep {
  readonly what: string;
  run(): void;
}

const META = '.meta';

/** The steps of a save, in order; nothing is written until the first runs. */
export function checkpointSaveSteps(save: CheckpointSave): SaveStep[] {
  const { path, kept } = save;
  const dir = dirname(path);
  const stateFile = join(dir, STATE_FILE);
  const gen = `${path}${tempMarker()}`;
  const { index, data } = encodeBundle(save.tensors);
  const files: [string, Uint8Array][] = [
    [dataPath(gen), data],
    [indexPath(gen), index],
  ];
  if (save.meta) files.push([`${gen}${META}`, save.meta]);
  const finalName = (staged: string) => path + staged.slice(gen.length);
  const steps: SaveStep[] = [];
  const step = (what: string, run: () => void) => steps.push({ what, run });
  const switchState = (latest: string, all: readonly string[], times: readonly number[]) => {
    let tmp = '';
    step(`stage state file naming ${latest}`, () => (tmp = stageFile(stateFile, checkpointStateText(dir, latest, all, times))));
    step(`commit state file naming ${latest}`, () => commitFile(tmp, stateFile));
  };

  for (const [f, bytes] of files) step(`stage ${f}`, () => writeFileDurable(f, bytes));
  step('sync directory (staged files)', () => syncDir(dir));
  if (statePrefixes(dir).has(resolve(path))) {
    const others = kept.filter((k) => k.path !== path);
    switchState(gen, [...others.map((k) => k.path), gen], [...others.map((k) => k.time), kept[kept.length - 1].time]);
  }
  for (const [f] of files) {
    let tmp = '';
    step(`link ${f}`, () => (tmp = linkOrCopy(f, finalName(f))));
    step(`rename onto ${finalName(f)}`, () => renameSync(tmp, finalName(f)));
  }
  step('sync directory (published files)', () => syncDir(dir));
  switchState(
    path,
    kept.map((k) => k.path),
    kept.map((k) => k.time),
  );
  for (const [f] of files) step(`remove ${f}`, () => removeQuietly(f));
  step('delete checkpoints beyond maxToKeep', () => {
    for (const p of save.drop) for (const f of [indexPath(p), dataPath(p), `${p}${META}`]) removeQuietly(f);
  });
  step('remove stale temp files', () => void removeStaleTemps(dir, statePrefixes(dir)));
  return steps;
}

export function runSaveSteps(steps: readonly SaveStep[]): void {
  for (const s of steps) s.run();
}

/**
 * A new name for `src`'s contents beside `dst`: a hard link (no copy, and the staged file stays
 * as it is), or a durable copy where the file system has no links.
 */
function linkOrCopy(src: string, dst: string): string {
  const tmp = `${dst}${tempMarker()}`;
  try {
    linkSync(src, tmp);
    return tmp;
  } catch {
    copyFileExclusiveSync(src, tmp);
  }
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}
