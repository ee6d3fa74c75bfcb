import { existsSync, readFileSync, requireFileSystem } from '../../platform/fs.js';
import { isAbsolute, join, resolve } from '../../platform/path.js';
import { pb } from '../codec.js';
import { parseTextMessage, quoteText } from '../text_format.js';
import { writeFileAtomic } from './atomic_file.js';

export interface CheckpointState {
  model_checkpoint_path?: string;
  all_model_checkpoint_paths?: string[];
  all_model_checkpoint_timestamps?: number[];
  last_preserved_timestamp?: number;
}

export const STATE_FILE = 'checkpoint';

/** Reads `dir/checkpoint`, or null when there is none. A malformed one is an InvalidArgumentError. */
export function readCheckpointState(dir: string): CheckpointState | null {
  const file = join(dir, STATE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  return parseTextMessage<CheckpointState>(pb.CheckpointState, text, file);
}

/** The state file as TF's text proto, paths relative to `dir` when they lie in it. */
export function checkpointStateText(dir: string, latest: string, all: readonly string[], timestamps: readonly number[]): string {
  const rel = (p: string) => (p.startsWith(`${dir}/`) ? p.slice(dir.length + 1) : p);
  const lines = [`model_checkpoint_path: ${quoteText(rel(latest))}`];
  for (const p of all) lines.push(`all_model_checkpoint_paths: ${quoteText(rel(p))}`);
  for (const t of timestamps) lines.push(`all_model_checkpoint_timestamps: ${t}`);
  return lines.join('\n') + '\n';
}

export function writeCheckpointState(dir: string, latest: string, all: readonly string[], timestamps: readonly number[]): void {
  writeFileAtomic(join(dir, STATE_FILE), checkpointStateText(dir, latest, all, timestamps));
}

/** Every prefix the state file of `dir` names (latest and all), resolved; empty when there is no readable one. */
export function statePrefixes(dir: string): Set<string> {
  let st: CheckpointState | null;
  try {
    st = readCheckpointState(dir);
  } catch {
    return new Set();
  }
  const names = [st?.model_checkpoint_path, ...(st?.all_model_checkpoint_paths ?? [])];
  return new Set(names.filter((p): p is string => !!p).map((p) => resolve(resolveInDir(dir, p))));
}

export function resolveInDir(dir: string, p: string): string {
  return isAbsolute(p) ? p : join(dir, p);
}

/** TF's latest_checkpoint: the state file's newest prefix if its index exists, else null. */
export function latestCheckpoint(dir: string): string | null {
  requireFileSystem('tg.train.latestCheckpoint');
  const st = readCheckpointState(dir);
  if (!st?.model_checkpoint_path) return null;
  const p = resolveInDir(dir, st.model_checkpoint_path);
  return existsSync(`${p}.index`) ? p : null;
}
