import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { droppedBroadcast, reorderedState, wrongConstant } from './planted_passes.js';

/**
 * checkPass is evidence only if it fails wrong passes: three planted bugs are each caught on the
 * random graphs and shrunk to a handful of nodes; every pass of our own pipeline passes.
 */
describe('tg.testing.checkPass', () => {
  const planted: [string, tg.Pass, string][] = [
    ['a wrong constant', wrongConstant, 'Const'],
    ['a dropped broadcast', droppedBroadcast, 'BroadcastTo|Tile'],
    ['a reordered stateful op', reorderedState, 'Assign'],
  ];
  for (const [what, pass, culprit] of planted) {
    it(`catches ${what} and shrinks it to a handful of nodes`, async function () {
      this.timeout(120000);
      const report = await tg.testing.checkPass(pass, { graphs: 60, maxDisagreements: 1 });
      expect(report.disagreements.length, tg.testing.formatCheckPassReport(report)).to.equal(1);
      const r = report.disagreements[0].reproducer;
      expect(r, report.disagreements[0].detail).to.not.equal(null);
      expect(r!.nodes).to.be.at.most(6);
      expect(r!.text).to.match(new RegExp(culprit));
      // the reproducer is a runnable graph that still disagrees
      const run = async (optimizer: tg.OptimizerOptions): Promise<string> => {
        const s = new tg.Session({ graph: r!.graph, optimizer });
        try {
          if (r!.init.length) await s.run(r!.init);
          const feeds = new Map([...r!.feeds].map(([k, v]) => [k, v] as const));
          const out = (await s.run(r!.fetches, feeds)) as tg.NDArray[];
          return JSON.stringify(out.map((o) => [o.shape, Array.from(o.data as ArrayLike<number>)]));
        } catch (e) {
          return String(e);
        } finally {
          s.close();
        }
      };
      expect(await run({ passes: [pass] })).to.not.equal(await run({}));
    });
  }

  it('passes every pass of the pipeline (each pass alone and the pipeline without it)', async function () {
    this.timeout(300000);
    const total = Number(process.env.TG_CHECK_PASS_GRAPHS ?? 400);
    const passes = [...new Set(tg.passes.PIPELINE.flatMap((s) => s.passes))];
    const per = Math.max(1, Math.ceil(total / passes.length));
    const failures: string[] = [];
    for (const [i, pass] of passes.entries()) {
      const report = await tg.testing.checkPass(pass, { graphs: per, seed: 1 + i * per, maxDisagreements: 1 });
      if (report.disagreements.length) failures.push(tg.testing.formatCheckPassReport(report));
    }
    expect(failures.join('\n\n')).to.equal('');
  });

  it('the generator: stateful graphs hold assignments, control dependencies and seeded random ops; gradients: false fetches none', () => {
    const types = new Set<string>();
    for (let seed = 1; seed <= 100; seed++) {
      const g = tg.testing.randomGraph(seed, { stateful: true, gradients: false });
      for (const op of g.graph.getOperations()) types.add(op.type);
      expect(g.fetchNames.filter((n) => n.startsWith('d '))).to.deep.equal([]);
    }
    expect([...types]).to.include.members(['AssignAdd', 'AssignSub', 'Assign', 'RandomUniform', 'RandomStandardNormal', 'Conv2D', 'MatMul', 'BroadcastTo']);
  });

  it('ops: families aim the generator (only those ops are drawn), unknown families are refused, the default is unchanged', async function () {
    this.timeout(120000);
    const forwardTypes = (ops?: readonly tg.testing.OpFamily[]): Set<string> => {
      const types = new Set<string>();
      for (let seed = 1; seed <= 60; seed++) {
        const g = tg.testing.randomGraph(seed, { gradients: false, trainChance: 0, ...(ops ? { ops } : {}) });
        for (const op of g.graph.getOperations()) if (!op.name.startsWith('gradients')) types.add(op.type);
      }
      return types;
    };
    const mm = forwardTypes(['matmul']);
    expect([...mm]).to.include('MatMul');
    for (const t of ['Conv2D', 'BroadcastTo', 'Tile', 'Transpose', 'ConcatV2']) expect(mm.has(t), t).to.equal(false);
    expect(forwardTypes(['conv']).has('Conv2D')).to.equal(true);
    expect(forwardTypes(['conv']).has('MatMul')).to.equal(false);
    // every family listed gives the same graphs as no option (same draws per seed)
    const all = tg.testing.randomGraph(7, { ops: tg.testing.OP_FAMILIES.filter((f) => !['state', 'control', 'random'].includes(f)) });
    expect(all.listing).to.deep.equal(tg.testing.randomGraph(7).listing);
    expect(() => tg.testing.randomGraph(1, { ops: ['conv2d' as tg.testing.OpFamily] })).to.throw(tg.InvalidArgumentError, /unknown op family 'conv2d'/);
    expect(() => tg.testing.randomGraph(1, { ops: ['random'] })).to.throw(tg.InvalidArgumentError, /need stateful: true/);
    // aimed at broadcasts and reductions, checkPass still finds the dropped broadcast
    const report = await tg.testing.checkPass(droppedBroadcast, { graphs: 40, ops: ['broadcast', 'reduce', 'elementwise'], maxDisagreements: 1 });
    expect(report.disagreements.length).to.equal(1);
  });

  it('a backend that cannot start is an error, not a silent pass', async () => {
    let caught: unknown = null;
    await tg.testing.checkPass(wrongConstant, { graphs: 1, backends: ['tpu' as 'cpu'] }).catch((e: unknown) => (caught = e));
    expect(caught).to.be.instanceOf(tg.InvalidArgumentError);
    expect(String(caught)).to.match(/Unknown backend 'tpu'/);
  });

  it('checks model files given as GraphDef bytes', async () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 3], 'x');
      tg.relu(tg.add(tg.matMul(x, tg.constant([[1, 2], [3, 4], [5, 6]])), tg.constant([0.5, -0.5])), 'out');
    });
    const bytes = tg.graphUtil.encodeGraphDef(g.toGraphDef());
    const ok = await tg.testing.checkPass(tg.passes.PIPELINE[0].passes[0], { graphs: 0, models: [bytes] });
    expect(ok.graphs).to.equal(1);
    expect(ok.disagreements).to.deep.equal([]);
    const bad = await tg.testing.checkPass(wrongConstant, { graphs: 0, models: [bytes] });
    expect(bad.disagreements.length).to.equal(1);
    expect(bad.disagreements[0].reproducer!.nodes).to.be.at.most(4);
    // the same model as ONNX, through the ONNX importer
    const onnx = tg.onnx.exportModel(g, { inputs: ['x:0'], outputs: ['out:0'] });
    const viaOnnx = await tg.testing.checkPass(wrongConstant, { graphs: 0, models: [{ onnx }] });
    expect(viaOnnx.graphs).to.equal(1);
    expect(viaOnnx.disagreements.length).to.equal(1);
  });
});
