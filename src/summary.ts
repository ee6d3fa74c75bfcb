import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, requireFileSystem, writeSync } from '../serialization/platform/fs.js';
import { hostname } from '../serialization/platform/os.js';
import { join } from '../serialization/platform/path.js';
import { Graph, InvalidArgumentError, NDArray, FailedPreconditionError } from '../graph/ir/index.js';
import { encodeGraphDef, toGraphDef } from '../serialization/graph_def.js';
import { EVENT_FILE_VERSION, encodeEvent, readEvents as readEventBytes, tfRecord, type EventObj } from '../serialization/event_file.js';
import { decodeSummary, encodeSummary, summaryFromArray, type SummaryObj } from '../serialization/summary.js';

/*
 * tf.summary (TF1). Design: our dtypes have no string, so a summary op's output, TF's serialized
 * `Summary` string, is an int32 vector holding the serialized bytes one per element. `sess.run` of a
 * summary (or of `mergeAll()`) returns that NDArray, and `FileWriter.addSummary` takes it as is
 * (or the bytes, or a Summary object). The tag is the op's attr, not a string input.
 */
export { scalar, histogram, merge, mergeAll } from '../ops/summary/summary_ops.js';
export { histogramOf, DEFAULT_BUCKET_LIMITS, type SummaryObj, type SummaryValueObj, type HistogramProtoObj } from '../serialization/summary.js';
export { type EventObj, EVENT_FILE_VERSION } from '../serialization/event_file.js';

/** What `addSummary` takes: a fetched summary value, its serialized bytes, or a Summary object. */
export type SummaryLike = NDArray | Uint8Array | SummaryObj;

function summaryObj(s: SummaryLike): SummaryObj {
  if (s instanceof NDArray) return decodeSummary(summaryFromArray(s, 'addSummary'), 'addSummary');
  if (s instanceof Uint8Array) return decodeSummary(s, 'addSummary');
  if (s && Array.isArray(s.value)) return s;
  throw new InvalidArgumentError('addSummary: expected a fetched summary (NDArray), serialized Summary bytes or a Summary object');
}

/**
 * tf.summary.FileWriter: writes a TensorFlow event file `events.out.tfevents.<seconds>.<hostname>`
 * in `logdir` (TFRecord framing): first an Event with file_version "brain.Event:2", then the
 * GraphDef when a graph is given, then one Event per `addSummary`. Records are buffered until
 * `flush()` (or `close()`).
 */
export class FileWriter {
  /** The event file's path. */
  readonly path: string;
  private fd: number | null;
  private pending: Uint8Array[] = [];

  constructor(readonly logdir: string, graph?: Graph, options: { filenameSuffix?: string } = {}) {
    requireFileSystem('tg.summary.FileWriter');
    mkdirSync(logdir, { recursive: true });
    const base = join(logdir, `events.out.tfevents.${String(Math.floor(Date.now() / 1000)).padStart(10, '0')}.${hostname()}${options.filenameSuffix ?? ''}`);
    let path = base;
    for (let i = 1; existsSync(path); i++) path = `${base}.${i}`;
    this.path = path;
    this.fd = openSync(path, 'wx');
    this.addEvent({ wall_time: Date.now() / 1000, step: 0, file_version: EVENT_FILE_VERSION });
    if (graph) this.addGraph(graph);
    this.flush();
  }

  /** Writes the graph as a GraphDef event (summary ops in TF's form). */
  addGraph(graph: Graph, step = 0): void {
    this.addEvent({ wall_time: Date.now() / 1000, step, graph_def: encodeGraphDef(toGraphDef(graph)) });
  }

  /** One Event holding `summary` at global step `step`. */
  addSummary(summary: SummaryLike, step = 0): void {
    this.addEvent({ wall_time: Date.now() / 1000, step, summary: summaryObj(summary) });
  }

  /** Appends any Event (buffered until flush). */
  addEvent(event: EventObj): void {
    if (this.fd === null) throw new FailedPreconditionError(`FileWriter for ${this.path} is closed`);
    if (event.summary) event = { ...event, summary: decodeSummary(encodeSummary(event.summary)) };
    this.pending.push(tfRecord(encodeEvent(event)));
  }

  /** Writes buffered events to disk. */
  flush(): void {
    if (this.fd === null) return;
    for (const r of this.pending) writeSync(this.fd, r);
    this.pending = [];
    fsyncSync(this.fd);
  }

  /** Flushes and closes the file; later adds fail. */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
  }
}

/** The Events of an event file (TF's tf.compat.v1.train.summary_iterator), every record's CRCs checked. */
export function readEvents(path: string): EventObj[] {
  requireFileSystem('tg.summary.readEvents');
  return readEventBytes(new Uint8Array(readFileSync(path)), path);
}
