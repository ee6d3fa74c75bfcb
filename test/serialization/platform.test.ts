import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tg from '../../src/index.js';

/*
 * The platform layer (platform/): file functions reach Node's built-ins only when
 * called, and where there are none (a browser) each public path-taking function fails with an
 * UnimplementedError that names it and says to pass bytes. Here "no Node" is simulated by hiding
 * process.getBuiltinModule, the layer's only door to the built-ins.
 */

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function withoutBuiltins<T>(fn: () => T): T {
  const proc = process as unknown as { getBuiltinModule?: unknown };
  const saved = proc.getBuiltinModule;
  proc.getBuiltinModule = undefined;
  try {
    return fn();
  } finally {
    proc.getBuiltinModule = saved;
  }
}

async function rejection(fn: () => unknown): Promise<Error> {
  try {
    await withoutBuiltins(fn);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('platform: file functions without a file system', () => {
  const graph = new tg.Graph();
  const v = graph.asDefault(() => new tg.Variable(tg.constant([1, 2]), { name: 'v' }));
  const sess = new tg.Session({ graph });
  after(() => sess.close());

  const cases: [string, () => unknown][] = [
    ['tg.train.latestCheckpoint', () => tg.train.latestCheckpoint('ckpt')],
    ['tg.train.listVariables', () => tg.train.listVariables('ckpt/model')],
    ['tg.train.loadVariable', () => tg.train.loadVariable('ckpt/model', 'v')],
    ['tg.train.importMetaGraph', () => tg.train.importMetaGraph('ckpt/model.meta', { graph: new tg.Graph() })],
    ['tg.train.Saver.save', () => new tg.train.Saver({ varList: [v] }).save(sess, 'ckpt/model')],
    ['tg.train.Saver.restore', () => new tg.train.Saver({ varList: [v] }).restore(sess, 'ckpt/model')],
    ['tg.savedModel.save', () => tg.savedModel.save(sess, 'export/1')],
    ['tg.savedModel.load', () => tg.savedModel.load(sess, ['serve'], 'export/1')],
    ['tg.summary.FileWriter', () => new tg.summary.FileWriter('logs')],
    ['tg.summary.readEvents', () => tg.summary.readEvents('logs/events.out.tfevents.1.host')],
  ];
  for (const [name, call] of cases) {
    it(`${name} fails with UnimplementedError naming it and pointing to bytes`, async () => {
      const e = await rejection(call);
      expect(e).to.be.instanceOf(tg.UnimplementedError);
      expect(e.message).to.match(new RegExp(`^${name.replace(/\./g, '\\.')} works on file paths, which needs Node's file system`));
      expect(e.message).to.contain('Pass bytes instead');
      expect(e.message).to.contain('docs/browser.md');
    });
  }

  it('byte-taking file functions still work: GraphDef bytes round trip, ONNX export, event file bytes', () => {
    withoutBuiltins(() => {
      const bytes = tg.graphUtil.encodeGraphDef(graph.toGraphDef());
      const copy = new tg.Graph();
      tg.importGraphDef(bytes, { graph: copy });
      expect(copy.getOperations().map((o) => o.type)).to.deep.equal(graph.getOperations().map((o) => o.type));
      const g2 = new tg.Graph();
      const out = g2.asDefault(() => tg.nn.relu(tg.placeholder('float32', [2], 'x'), 'y'));
      expect(tg.onnx.exportModel(g2, { inputs: ['x:0'], outputs: [out.name] }).length).to.be.greaterThan(0);
      const events = tg.summary.readEvents(new tg.summary.BytesWriter(graph).bytes());
      expect(events.map((e) => e.step)).to.deep.equal([0, 0]);
    });
  });
});

describe('platform: the embedded TensorFlow proto schema', () => {
  it('serialization/proto/tensorflow_proto.ts is up to date with tensorflow.proto (scripts/gen-proto-schema.mjs --check)', () => {
    let output = '';
    try {
      execFileSync(process.execPath, ['scripts/gen-proto-schema.mjs', '--check'], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      output = String((e as { stderr?: string }).stderr ?? e);
    }
    expect(output, output).to.equal('');
  });
});
