import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, requireFileSystem, writeSync } from '../platform/fs.js';
import { hostname } from '../platform/os.js';
import { join } from '../platform/path.js';
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
export { histogramOf, DEFAULT_BUCKET_LIMITS, type SummaryObj, type SummaryValueObj, type HistogramProtoObj, type SummaryImageObj, type SummaryMetadataObj } from '../serialization/summary.js';
export { image } from './summary_image.js';
export { text, textSummary, type TextValue } from './summary_text.js';
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
 * What FileWriter and BytesWriter share: Events become TFRecord-framed records handed to `write`.
 * The first record of an event file is the file_version Event; each writer adds it when it opens.
 */
abstract class EventWriter {
  /** Writes the graph as a GraphDef event (summary ops in TF's form). */
  addGraph(graph: Graph, step = 0): void {
    this.addEvent({ wall_time: Date.now() / 1000, step, graph_def: encodeGraphDef(toGraphDef(graph)) });
  }

  /** One Event holding `summary` at global step `step`. */
  addSummary(summary: SummaryLike, step = 0): void {
    this.addEvent({ wall_time: Date.now() / 1000, step, summary: summaryObj(summary) });
  }

  /** Appends any Event. */
  addEvent(event: EventObj): void {
    if (event.summary) event = { ...event, summary: decodeSummary(encodeSummary(event.summary)) };
    this.write(tfRecord(encodeEvent(event)));
  }

  protected start(graph: Graph | undefined): void {
    this.addEvent({ wall_time: Date.now() / 1000, step: 0, file_version: EVENT_FILE_VERSION });
    if (graph) this.addGraph(graph);
  }

  protected abstract write(record: Uint8Array): void;
}

/**
 * tf.summary.FileWriter: writes a TensorFlow event file `events.out.tfevents.<seconds>.<hostname>`
 * in `logdir` (TFRecord framing): first an Event with file_version "brain.Event:2", then the
 * GraphDef when a graph is given, then one Event per `addSummary`. Records are buffered until
 * `flush()` (or `close()`). Needs a file system (Node); in a browser use BytesWriter.
 */
export class FileWriter extends EventWriter {
  /** The event file's path. */
  readonly path: string;
  private fd: number | null;
  private pending: Uint8Array[] = [];

  constructor(readonly logdir: string, graph?: Graph, options: { filenameSuffix?: string } = {}) {
    super();
    requireFileSystem('tg.summary.FileWriter');
    mkdirSync(logdir, { recursive: true });
    const base = join(logdir, `events.out.tfevents.${String(Math.floor(Date.now() / 1000)).padStart(10, '0')}.${hostname()}${options.filenameSuffix ?? ''}`);
    let path = base;
    for (let i = 1; existsSync(path); i++) path = `${base}.${i}`;
    this.path = path;
    this.fd = openSync(path, 'wx');
    this.start(graph);
    this.flush();
  }

  protected write(record: Uint8Array): void {
    if (this.fd === null) throw new FailedPreconditionError(`FileWriter for ${this.path} is closed`);
    this.pending.push(record);
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

/**
 * The bytes of an event file, built in memory: the same records FileWriter writes, for places
 * without a file system (a browser: offer `bytes()` as a download or upload it). TensorBoard reads
 * the bytes saved under a name like `events.out.tfevents.<seconds>.<host>`.
 */
export class BytesWriter extends EventWriter {
  private records: Uint8Array[] = [];

  constructor(graph?: Graph) {
    super();
    this.start(graph);
  }

  protected write(record: Uint8Array): void {
    this.records.push(record);
  }

  /** Everything added so far, as one event file. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.records.reduce((n, r) => n + r.length, 0));
    let off = 0;
    for (const r of this.records) {
      out.set(r, off);
      off += r.length;
    }
    return out;
  }
}

/**
 * The Events of an event file (TF's tf.compat.v1.train.summary_iterator), every record's CRCs
 * checked: a path (Node) or the file's bytes (anywhere).
 */
export function readEvents(pathOrBytes: string | Uint8Array): EventObj[] {
  if (pathOrBytes instanceof Uint8Array) return readEventBytes(pathOrBytes, 'event file bytes');
  requireFileSystem('tg.summary.readEvents');
  return readEventBytes(new Uint8Array(readFileSync(pathOrBytes)), pathOrBytes);
}
