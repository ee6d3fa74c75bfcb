import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { writeOutput } from './files.js';
import type { Graph } from '../../graph/ir/index.js';
import { InvalidArgumentError } from '../../graph/ir/index.js';
import { optimize } from '../optimize.js';
import { toDot } from '../tools/dot.js';
import { toHtml } from '../tools/html_viewer.js';
import { programToGraph } from '../tools/program_graph.js';
import { feedShapes, loadModel } from './model_file.js';

export const DRAW_HELP = `Usage: tensorgraph draw <model.pb|model.meta|model.onnx> -o <net.svg|net.dot|net.html> [--optimized]
                       [--feeds name=shape,...] [--outputs a,b]

Draws the graph, name scopes as nested boxes. .dot: Graphviz text. .svg: rendered by Graphviz
'dot' (TG_DOT names another binary); without Graphviz the self-contained HTML viewer is written
next to it (net.html) instead. .html: a single offline page that pans (drag), zooms (wheel),
expands and collapses scopes (click) and shows an op's attrs, output shapes and device (click).
--optimized draws the graph after the compiler (for the outputs, fed placeholders with --feeds
shapes), fused regions outlined with the ops they stand for.`;

export function drawCommand(args: string[]): void {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean' }, o: { type: 'string', short: 'o' }, out: { type: 'string' }, optimized: { type: 'boolean' }, feeds: { type: 'string' }, outputs: { type: 'string' } },
  });
  const out = values.o ?? values.out;
  if (values.help || positionals.length !== 1 || !out) {
    console.log(DRAW_HELP);
    if (!values.help) process.exitCode = 2;
    return;
  }
  if (!/\.(svg|dot|html)$/.test(out)) throw new InvalidArgumentError(`-o ${out}: the file must end in .svg, .dot or .html`);
  const model = loadModel(positionals[0]);
  let graph: Graph = model.graph;
  let what = `${graph.numOps} ops`;
  if (values.optimized) {
    const fetches = values.outputs ? values.outputs.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => (/:\d+$/.test(s) ? s : `${s}:0`)) : model.outputs;
    const { program, report } = optimize(model.graph, fetches, { feeds: feedShapes(model, values.feeds) });
    graph = programToGraph(program);
    what = `${graph.numOps} ops after the compiler (from ${model.graph.numOps}), ${report.fused.length} fused regions`;
  }
  const title = `${model.path}${values.optimized ? ' (optimized)' : ''}`;
  if (out.endsWith('.dot')) {
    writeOutput(out, toDot(graph));
    console.log(`wrote ${out}: ${what}`);
  } else if (out.endsWith('.html')) {
    writeOutput(out, toHtml(graph, { title }));
    console.log(`wrote ${out}: ${what}; a self-contained viewer (no network), open it in a browser`);
  } else {
    const exe = process.env.TG_DOT ?? 'dot';
    const r = spawnSync(exe, ['-Tsvg', '-o', out], { input: toDot(graph), encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      const html = out.replace(/\.svg$/, '.html');
      writeOutput(html, toHtml(graph, { title }));
      console.log(`Graphviz '${exe}' not found (Debian: apt-get install graphviz): wrote ${html} instead, a self-contained viewer: ${what}`);
      return;
    }
    if (r.error || r.status !== 0) throw new InvalidArgumentError(`${exe} -Tsvg failed for ${out}: ${r.error?.message ?? r.stderr.trim().split('\n')[0]}`);
    console.log(`wrote ${out}: ${what} (Graphviz)`);
  }
}
