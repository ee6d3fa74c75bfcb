import { parseArgs } from 'node:util';
import { writeOutput } from './files.js';
import { formatShape, InvalidArgumentError, Operation, Tensor } from '../../graph/ir/index.js';
import { RunMetadata } from '../run_metadata.js';
import { Session } from '../session.js';
import { toChromeTrace } from '../tools/chrome_trace.js';
import { feedShapes, loadModel, syntheticFeeds } from './model_file.js';

export const TIME_HELP = `Usage: tensorgraph time <model.pb|model.meta|model.onnx> [--feeds name=shape,...] [--iterations 50]
                       [--backend cpu|webgpu] [--train] [--outputs a,b] [--trace out.json]

Runs the model on seeded synthetic feeds (one untimed warm-up run, then --iterations traced runs)
and prints a 'caffe time'-style table: the 10 kernels that took longest (per op, or per fused
kernel after the compiler), with phase (forward, backward, update), calls, mean ms per call and
share of the kernel time; then the time per phase, the five costliest kernel kinds, and the total
per run. --train times the
training op of a .meta (forward, backward and updates separately). Placeholders' unknown dims are
1 unless --feeds gives the shape (images=32x784). --trace writes the last run as Chrome
trace-event JSON (open it in Perfetto or chrome://tracing).`;

type Phase = 'forward' | 'backward' | 'update';

function phaseOf(name: string, type: string): Phase {
  // optimizer updates: Apply*, grouped applies after the compiler, assigns (the global step)
  if (/Apply|^Assign/.test(type)) return 'update';
  return name.startsWith('gradients/') || name.includes('/gradients/') ? 'backward' : 'forward';
}

interface Row {
  node: string;
  kernel: string;
  phase: Phase;
  calls: number;
  micros: number;
}

export async function timeCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      help: { type: 'boolean' },
      feeds: { type: 'string' },
      iterations: { type: 'string', default: '50' },
      backend: { type: 'string', default: 'cpu' },
      train: { type: 'boolean' },
      outputs: { type: 'string' },
      trace: { type: 'string' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.log(TIME_HELP);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const iterations = Number(values.iterations);
  if (!Number.isInteger(iterations) || iterations < 1) throw new InvalidArgumentError(`--iterations must be a positive integer, got '${values.iterations}'`);
  const backend = values.backend;
  if (backend !== 'cpu' && backend !== 'webgpu') throw new InvalidArgumentError(`--backend must be cpu or webgpu, got '${backend}'`);
  const model = loadModel(positionals[0]);
  const shapes = feedShapes(model, values.feeds);
  const feeds = syntheticFeeds(shapes);
  const sess = new Session({ graph: model.graph, backend });
  let fetches: (Tensor | Operation)[];
  if (values.train) {
    if (!model.trainOp) throw new InvalidArgumentError(`${model.path}: --train needs a training op (an op grouping Apply* updates, as minimize() makes), and this graph has none`);
    fetches = [model.trainOp];
  } else if (values.outputs) {
    fetches = values.outputs.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => model.graph.getTensorByName(/:\d+$/.test(s) ? s : `${s}:0`));
  } else fetches = [...model.outputs];
  if (fetches.length === 0) throw new InvalidArgumentError(`${model.path}: found no outputs to time; name them with --outputs`);
  if (model.initOps.length > 0) await sess.run(model.initOps);
  await sess.run(fetches, feeds);

  const rows = new Map<string, Row>();
  const walls: number[] = [];
  let last = new RunMetadata();
  for (let i = 0; i < iterations; i++) {
    last = new RunMetadata();
    const t0 = performance.now();
    await sess.run(fetches, feeds, { runMetadata: last });
    walls.push(performance.now() - t0);
    for (const dev of last.stepStats) {
      for (const s of dev.nodeStats) {
        const r = rows.get(s.nodeName) ?? { node: s.nodeName, kernel: s.kernel, phase: phaseOf(s.nodeName, s.opType), calls: 0, micros: 0 };
        r.calls++;
        r.micros += s.durationMicros;
        rows.set(s.nodeName, r);
      }
    }
  }
  sess.close();
  const all = [...rows.values()];
  const kernelMicros = all.reduce((a, r) => a + r.micros, 0);
  console.log(`${model.path}: ${values.train ? `training op '${(fetches[0] as Operation).name}'` : `fetching ${fetches.map((f) => f.name).join(', ')}`}`);
  console.log(`feeds: ${[...shapes].map(([t, s]) => `${t.op.name}${formatShape(s)}`).join(', ') || 'none'}; ${iterations} iterations after 1 warm-up; backend ${backend}; ${all.length} kernels per run`);
  console.log('');
  console.log(formatTable(all.sort((a, b) => b.micros - a.micros).slice(0, 10), kernelMicros));
  console.log('');
  for (const phase of ['forward', 'backward', 'update'] as const) {
    const ps = all.filter((r) => r.phase === phase);
    if (ps.length === 0) continue;
    const us = ps.reduce((a, r) => a + r.micros, 0);
    console.log(`${phase.padEnd(8)}  ${ps.length} kernels  ${(us / iterations / 1000).toFixed(3)} ms/run  ${pct(us, kernelMicros)}`);
  }
  const byKernel = new Map<string, { nodes: number; micros: number }>();
  for (const r of all) {
    const k = byKernel.get(r.kernel) ?? { nodes: 0, micros: 0 };
    k.nodes++;
    k.micros += r.micros;
    byKernel.set(r.kernel, k);
  }
  const kinds = [...byKernel].sort((a, b) => b[1].micros - a[1].micros).slice(0, 5);
  console.log(`by kernel: ${kinds.map(([k, v]) => `${k} ${pct(v.micros, kernelMicros)} (${v.nodes} node${v.nodes === 1 ? '' : 's'})`).join(', ')}`);
  const meanWall = walls.reduce((a, b) => a + b, 0) / walls.length;
  console.log(`total per run: ${meanWall.toFixed(3)} ms wall (min ${Math.min(...walls).toFixed(3)}), ${(kernelMicros / iterations / 1000).toFixed(3)} ms in kernels`);
  if (values.trace) {
    writeOutput(values.trace, toChromeTrace(last));
    console.log(`wrote ${values.trace}: Chrome trace of the last run (open in Perfetto or chrome://tracing)`);
  }
}

const pct = (part: number, whole: number): string => `${whole > 0 ? ((100 * part) / whole).toFixed(1) : '0.0'}%`;

function formatTable(rows: readonly Row[], total: number): string {
  const head = ['rank', 'phase', 'node', 'kernel', 'calls', 'mean ms', 'share'];
  const cells = rows.map((r, i) => [String(i + 1), r.phase, r.node, r.kernel, String(r.calls), (r.micros / r.calls / 1000).toFixed(3), pct(r.micros, total)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const right = new Set([0, 4, 5, 6]);
  const line = (c: readonly string[]): string => c.map((s, i) => (right.has(i) ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
