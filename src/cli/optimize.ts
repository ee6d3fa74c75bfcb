import { parseArgs } from 'node:util';
import { writeOutput } from './files.js';
import { InvalidArgumentError, NDArray, Operation, Tensor } from '../../graph/ir/index.js';
import { encodeGraphDef, toGraphDef } from '../../serialization/graph_def.js';
import { optimize } from '../optimize.js';
import { RunMetadata } from '../run_metadata.js';
import { Session } from '../session.js';
import { programToGraph } from '../tools/program_graph.js';
import { feedShapes, LoadedModel, loadModel, syntheticFeeds } from './model_file.js';

export const OPTIMIZE_HELP = `Usage: tensorgraph optimize <model.pb|model.meta|model.onnx> [--disable pass,...] [--out optimized.pb]
                           [--compare] [--iterations 20] [--feeds name=shape,...] [--outputs a,b]

Runs the compiler on what the outputs need (placeholders fed, with --feeds shapes; unknown dims 1)
and prints its report: per pass the time, nodes before/after, nodes removed/added/rewritten and
notes; the fused regions; the planned peak memory. --disable skips passes ('all' for none).
--out writes the optimised program as a GraphDef (fused nodes list the ops they stand for in a
_fused_ops attr; it documents the program, it is not meant to be run again). --compare runs the
model with the pipeline on and off on the same seeded feeds and prints mean time, kernels per run
and peak memory side by side, and checks that the outputs agree (exit 1 if not).`;

export async function optimizeCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      help: { type: 'boolean' },
      disable: { type: 'string' },
      out: { type: 'string' },
      compare: { type: 'boolean' },
      iterations: { type: 'string', default: '20' },
      feeds: { type: 'string' },
      outputs: { type: 'string' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.log(OPTIMIZE_HELP);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const iterations = Number(values.iterations);
  if (!Number.isInteger(iterations) || iterations < 1) throw new InvalidArgumentError(`--iterations must be a positive integer, got '${values.iterations}'`);
  const model = loadModel(positionals[0]);
  const fetches = values.outputs
    ? values.outputs.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => model.graph.getTensorByName(/:\d+$/.test(s) ? s : `${s}:0`))
    : [...model.outputs];
  if (fetches.length === 0) throw new InvalidArgumentError(`${model.path}: found no outputs to optimise for; name them with --outputs`);
  const disable = (values.disable ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const shapes = feedShapes(model, values.feeds);
  const { program, report } = optimize(model.graph, fetches, { feeds: shapes, disable });
  const before = report.passes[0]?.nodesBefore ?? program.nodes.length;
  console.log(`${model.path}: ${model.graph.numOps} ops in the file; for ${fetches.map((t) => t.name).join(', ')}: ${before} nodes -> ${program.nodes.length} after the compiler (${report.totalMillis.toFixed(1)} ms)`);
  console.log('');
  console.log(report.toString());
  if (values.out) {
    const def = toGraphDef(programToGraph(program));
    writeOutput(values.out, encodeGraphDef(def));
    console.log(`\nwrote ${values.out}: ${def.node.length} nodes (the optimised program as a GraphDef)`);
  }
  if (values.compare) await compare(model, fetches, shapes, disable, iterations);
}

interface Measured {
  meanMs: number;
  kernels: number;
  peakBytes: number | null;
  outputs: NDArray[];
}

async function measure(model: LoadedModel, fetches: readonly Tensor[], feeds: Map<Tensor, NDArray>, disable: readonly string[], iterations: number): Promise<Measured> {
  const sess = new Session({ graph: model.graph, optimizer: { disable } });
  try {
    if (model.initOps.length > 0) await sess.run(model.initOps as Operation[]);
    const outputs = await sess.run([...fetches], feeds);
    const md = new RunMetadata();
    await sess.run([...fetches], feeds, { runMetadata: md });
    let total = 0;
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      await sess.run([...fetches], feeds);
      total += performance.now() - t0;
    }
    return { meanMs: total / iterations, kernels: md.stepStats[0]?.nodeStats.length ?? 0, peakBytes: sess.lastOptimizeReport?.memory?.peakBytes ?? null, outputs: outputs as NDArray[] };
  } finally {
    sess.close();
  }
}

async function compare(model: LoadedModel, fetches: readonly Tensor[], shapes: Map<Tensor, number[]>, disable: readonly string[], iterations: number): Promise<void> {
  const feeds = syntheticFeeds(shapes);
  const on = await measure(model, fetches, feeds, disable, iterations);
  const off = await measure(model, fetches, feeds, ['all'], iterations);
  let worst = 0;
  let where = '';
  fetches.forEach((t, k) => {
    const a = on.outputs[k].data;
    const b = off.outputs[k].data;
    if (a.length !== b.length) throw new InvalidArgumentError(`--compare: ${t.name} has ${a.length} elements with the pipeline on, ${b.length} with it off`);
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
      if (d > worst || Number.isNaN(d)) {
        worst = Number.isNaN(d) ? Infinity : d;
        where = `${t.name}[${i}]: ${a[i]} vs ${b[i]}`;
      }
    }
  });
  const mem = (b: number | null): string => (b === null ? '-' : `${(b / 1024).toFixed(1)} KiB`);
  const rows = [
    ['', 'pipeline on', 'pipeline off'],
    ['mean time', `${on.meanMs.toFixed(3)} ms`, `${off.meanMs.toFixed(3)} ms`],
    ['kernels per run', String(on.kernels), String(off.kernels)],
    ['peak memory', mem(on.peakBytes), mem(off.peakBytes)],
  ];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\ncompare (${iterations} runs each, after a warm-up):`);
  for (const r of rows) console.log(`  ${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2].padStart(w[2])}`);
  const TOLERANCE = 1e-4;
  if (worst <= TOLERANCE) console.log(`  outputs agree: max relative difference ${worst.toExponential(2)} (tolerance ${TOLERANCE})`);
  else {
    console.log(`  OUTPUTS DIFFER: max relative difference ${worst.toExponential(2)} at ${where} (tolerance ${TOLERANCE})`);
    process.exitCode = 1;
  }
}
