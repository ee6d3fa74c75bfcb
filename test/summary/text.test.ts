import { expect } from 'chai';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../src/index.js';

const utf8 = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('tg.summary.text', () => {
  it('writes a DT_STRING tensor summary with the text plugin metadata, merged with a scalar, read back from the event file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-text-'));
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const note = g.nameScope('run', () => tg.summary.text('config', [['lr', '0.1'], ['optimizer', 'Ftrl — ü']]));
      const hello = tg.summary.text('greeting', 'hello');
      const loss = tg.summary.scalar('loss', tg.constant(0.25));
      return { note, hello, loss, merged: tg.summary.mergeAll()! };
    });
    expect(t.note.op.name).to.equal('run/config');
    expect(g.getCollection(tg.GraphKeys.SUMMARIES)).to.deep.equal([t.note, t.hello, t.loss]);
    const sess = new tg.Session({ graph: g });
    const writer = new tg.summary.FileWriter(dir);
    writer.addSummary((await sess.run(t.merged)) as tg.NDArray, 3);
    writer.close();
    const files = readdirSync(dir);
    expect(files).to.have.length(1);
    const ev = tg.summary.readEvents(join(dir, files[0])).find((e) => e.summary)!;
    expect(ev.step).to.equal(3);
    const values = ev.summary!.value;
    expect(values.map((v) => v.tag)).to.deep.equal(['run/config', 'greeting', 'loss']);
    const [table, hello, loss] = values;
    expect(table.metadata?.plugin_data?.plugin_name).to.equal('text');
    expect(table.tensor?.dtype).to.equal(7);
    expect(table.tensor?.tensor_shape?.dim?.map((d) => Number(d.size))).to.deep.equal([2, 2]);
    expect(table.tensor?.string_val?.map(utf8)).to.deep.equal(['lr', '0.1', 'optimizer', 'Ftrl — ü']);
    expect(hello.tensor?.tensor_shape?.dim ?? []).to.deep.equal([]);
    expect(hello.tensor?.string_val?.map(utf8)).to.deep.equal(['hello']);
    expect(loss.simple_value).to.equal(0.25);
    expect(loss.metadata).to.equal(undefined);
  });
  it('refuses a non-string and a ragged array, naming the summary', () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      expect(() => tg.summary.text('bad', [['a', 'b'], ['c']])).to.throw(tg.InvalidArgumentError, /'bad': ragged array: element 1 has shape \[1\], element 0 has \[2\]/);
      expect(() => tg.summary.text('num', [1 as unknown as string])).to.throw(tg.InvalidArgumentError, /'num': expected a string or a nested array of strings, got number/);
    });
  });
});
