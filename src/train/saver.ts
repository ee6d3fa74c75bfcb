import { mkdirSync, readFileSync, requireFileSystem } from '../../platform/fs.js';
import { dirname } from '../../platform/path.js';
import { FailedPreconditionError, getDefaultGraph, Graph, InvalidArgumentError, NDArray, NotFoundError, Tensor } from '../../graph/ir/index.js';
import { globalVariables, Variable } from '../../ops/state/variable.js';
import { checkpointExists } from '../../serialization/checkpoint/open_checkpoint.js';
import { checkpointSaveSteps, runSaveSteps } from '../../serialization/checkpoint/checkpoint_commit.js';
import { readForRestore } from '../../serialization/checkpoint/restore.js';
import { decodeMetaGraph, defaultSaverDef, encodeMetaGraph, exportMetaGraph, importMetaGraphDef } from '../../serialization/meta_graph.js';
import type { Session } from '../session.js';

export { latestCheckpoint } from '../../serialization/checkpoint/state.js';
export { listVariables, loadVariable } from '../../serialization/checkpoint/restore.js';

export interface SaverOptions {
  /** The variables to save: a list (saved under their op names) or a record of checkpoint key → variable. */
  varList?: readonly Variable[] | Record<string, Variable>;
  /** How many recent checkpoints to keep (older files are deleted); 0 or null keeps all. */
  maxToKeep?: number | null;
  /** Additionally keep one checkpoint every N hours. */
  keepCheckpointEveryNHours?: number;
  graph?: Graph;
}

export interface SaveOptions {
  /** Appended to the prefix: `model-1000`. A number, or a tensor/variable whose value is read. */
  globalStep?: number | Tensor | Variable;
  /** Also write `path.meta` (default true, as TF). */
  writeMetaGraph?: boolean;
}

/**
 * TF1's tf.train.Saver with V2 checkpoints: `save` writes `path.data-00000-of-00001`, `path.index`,
 * `path.meta` and the `checkpoint` state file so that a kill at any moment leaves the state file's
 * latest checkpoint whole (checkpoint_commit.ts); `restore` checks everything before setting any
 * variable.
 */
export class Saver {
  readonly maxToKeep: number;
  readonly keepCheckpointEveryNHours: number;
  private readonly graph: Graph;
  private readonly explicit: Map<string, Variable> | null;
  private last: { path: string; time: number }[] = [];
  private nextKeepTime: number;

  constructor(options: SaverOptions = {}) {
    this.graph = options.graph ?? getDefaultGraph();
    this.maxToKeep = options.maxToKeep ?? 5;
    this.keepCheckpointEveryNHours = options.keepCheckpointEveryNHours ?? 10000;
    this.nextKeepTime = Date.now() + this.keepCheckpointEveryNHours * 3600_000;
    const vl = options.varList;
    if (vl === undefined) this.explicit = null;
    else if (Array.isArray(vl)) this.explicit = new Map((vl as Variable[]).map((v) => [v.op.name, v]));
    else this.explicit = new Map(Object.entries(vl as Record<string, Variable>));
    const vars = this.variables();
    if (vars.size === 0) throw new InvalidArgumentError('No variables to save');
  }

  /** Checkpoint key → variable. */
  variables(): Map<string, Variable> {
    if (this.explicit) return this.explicit;
    return new Map(globalVariables(this.graph).map((v) => [v.op.name, v]));
  }

  /** The prefixes this saver keeps, oldest first. */
  get lastCheckpoints(): string[] {
    return this.last.map((c) => c.path);
  }

  async save(sess: Session, prefix: string, options: SaveOptions = {}): Promise<string> {
    requireFileSystem('tg.train.Saver.save');
    let path = prefix;
    if (options.globalStep !== undefined) {
      const gs = options.globalStep;
      const step = typeof gs === 'number' ? gs : (await sess.run(gs instanceof Variable ? gs.value() : gs)).item();
      path = `${prefix}-${Math.trunc(step)}`;
    }
    // variables a device (WebGPU) wrote since the last read back come to the host first
    await sess.syncVariables();
    const values = new Map<string, NDArray>();
    for (const [key, v] of this.variables()) {
      const value = sess.variableValue(v.op.name);
      if (!value) throw new FailedPreconditionError(`Attempting to use uninitialized value ${v.op.name}`);
      values.set(key, value);
    }
    mkdirSync(dirname(path), { recursive: true });
    const meta = (options.writeMetaGraph ?? true)
      ? encodeMetaGraph(exportMetaGraph(sess.graph, { saverDef: defaultSaverDef(this.maxToKeep, this.keepCheckpointEveryNHours) }))
      : null;
    const now = Date.now();
    const last = [...this.last.filter((c) => c.path !== path), { path, time: now }];
    const drop: string[] = [];
    let nextKeepTime = this.nextKeepTime;
    if (this.maxToKeep > 0) {
      while (last.length > this.maxToKeep) {
        const c = last.shift()!;
        // one checkpoint every keepCheckpointEveryNHours is kept on disk, as in TF
        if (c.time >= nextKeepTime) nextKeepTime += this.keepCheckpointEveryNHours * 3600_000;
        else drop.push(c.path);
      }
    }
    runSaveSteps(checkpointSaveSteps({ path, tensors: values, meta, kept: last.map((c) => ({ path: c.path, time: c.time / 1000 })), drop }));
    this.last = last;
    this.nextKeepTime = nextKeepTime;
    return path;
  }

  /** Restores every variable from `path`, or none: everything is read and checked first. */
  async restore(sess: Session, path: string): Promise<void> {
    requireFileSystem('tg.train.Saver.restore');
    if (!checkpointExists(path)) {
      throw new NotFoundError(`The passed save_path is not a valid checkpoint: ${path}`);
    }
    const values = readForRestore(path, this.variables());
    sess.setVariableValues(values);
  }
}

/**
 * TF's import_meta_graph: rebuilds the graph of `path` (a `.meta` file, or a checkpoint prefix
 * whose `.meta` is used) into the default graph, with its collections, and returns a Saver over
 * its variables (null when it has none).
 */
export function importMetaGraph(path: string, options: { graph?: Graph } = {}): Saver | null {
  requireFileSystem('tg.train.importMetaGraph');
  const file = path.endsWith('.meta') ? path : `${path}.meta`;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new NotFoundError(`${file}: cannot read the MetaGraphDef (${(e as Error).message})`);
  }
  const graph = options.graph ?? getDefaultGraph();
  const meta = decodeMetaGraph(bytes, file);
  return graph.atomically(() => {
    importMetaGraphDef(meta, graph, file);
    if (globalVariables(graph).length === 0) return null;
    const sd = meta.saver_def;
    return new Saver({ graph, maxToKeep: sd?.max_to_keep ?? 5, keepCheckpointEveryNHours: sd?.keep_checkpoint_every_n_hours || undefined });
  });
}
