import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../src/index.js';

/** tg.summary.BytesWriter: FileWriter's records in memory, for runtimes without a file system. */
describe('tg.summary.BytesWriter and readEvents(bytes)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tg-bytes-writer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function fetchedSummary(): Promise<{ graph: tg.Graph; summary: tg.NDArray }> {
    const graph = new tg.Graph();
    const s = graph.asDefault(() => tg.summary.scalar('loss', tg.constant(0.5)));
    const sess = new tg.Session({ graph });
    const summary = await sess.run(s);
    sess.close();
    return { graph, summary };
  }

  it('gives byte for byte what FileWriter writes to its file (same clock)', async () => {
    const { graph, summary } = await fetchedSummary();
    const realNow = Date.now;
    Date.now = () => 1_700_000_000_000;
    let bytes: Uint8Array;
    let path: string;
    try {
      const mem = new tg.summary.BytesWriter(graph);
      mem.addSummary(summary, 7);
      bytes = mem.bytes();
      const file = new tg.summary.FileWriter(dir, graph);
      file.addSummary(summary, 7);
      file.close();
      path = file.path;
    } finally {
      Date.now = realNow;
    }
    expect(Buffer.from(bytes).equals(readFileSync(path))).to.equal(true);
  });

  it('reads back with readEvents(bytes): file_version, the graph, then the summary at its step', async () => {
    const { graph, summary } = await fetchedSummary();
    const w = new tg.summary.BytesWriter(graph);
    w.addSummary(summary, 3);
    const events = tg.summary.readEvents(w.bytes());
    expect(events.map((e) => e.step)).to.deep.equal([0, 0, 3]);
    expect(events[0].file_version).to.equal(tg.summary.EVENT_FILE_VERSION);
    expect(events[1].graph_def?.length).to.be.greaterThan(0);
    expect(events[2].summary?.value.map((v) => [v.tag, v.simple_value])).to.deep.equal([['loss', 0.5]]);
  });

  it('readEvents(bytes) checks every record: a flipped byte is a DataLossError', () => {
    const bytes = new tg.summary.BytesWriter().bytes();
    bytes[bytes.length - 6] ^= 0xff;
    expect(() => tg.summary.readEvents(bytes)).to.throw(tg.DataLossError);
  });
});
