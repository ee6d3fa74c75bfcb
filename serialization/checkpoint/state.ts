import { existsSync, readFileSync } from '../platform/fs.js';
import { isAbsolute, join } from '../platform/path.js';
import { requireFileSystem } from '../platform/fs.js';
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

/** Writes the state file as TF's text proto, paths relative to `dir` when they lie in it. */
export function writeCheckpointState(dir: string, latest: string, all: readonly string[], timestamps: readonly number[]): void {
  const rel = (p: string) => (p.startsWith(`${dir}/`) ? p.slice(dir.length + 1) : p);
  const lines = [`model_checkpoint_path: ${quoteText(rel(latest))}`];
  for (const p of all) lines.push(`all_model_checkpoint_paths: ${quoteText(rel(p))}`);
  for (const t of timestamps) lines.push(`all_model_checkpoint_timestamps: ${t}`);
  writeFileAtomic(join(dir, STATE_FILE), lines.join('\n') + '\n');
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
