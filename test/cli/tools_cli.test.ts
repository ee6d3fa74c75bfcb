import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tg from '../../src/index.js';
import { decodeGraphDef } from '../../serialization/graph_def.js';
import { evaluateInPage } from '../browser/chromium.js';
import { writeModelFiles, type ModelFiles } from './model_files.js';
import { adapterMissing } from '../webgpu/adapter.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function cli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[], env: Record<string, string> = {}): string {
  const r = cli(args, env);
  expect(r.status, `tensorgraph ${args.join(' ')}\n${r.stderr}`).to.equal(0);
  return r.stdout;
}

function graphOf(path: string): tg.Graph {
  const g = new tg.Graph();
  tg.importGraphDef(decodeGraphDef(readFileSync(path)), { graph: g });
  return g;
}

interface TraceEvent {
  ph: string;
  ts: number;
  dur: number;
  pid: number;
  tid: number;
  name: string;
}

/** Complete events on one thread must nest: each starts after the enclosing one and ends inside it. */
function checkNesting(events: readonly TraceEvent[]): void {
  const threads = new Map<string, TraceEvent[]>();
  for (const e of events) threads.set(`${e.pid}/${e.tid}`, [...(threads.get(`${e.pid}/${e.tid}`) ?? []), e]);
  for (const list of threads.values()) {
    const open: TraceEvent[] = [];
    for (const e of [...list].sort((a, b) => a.ts - b.ts || b.dur - a.dur)) {
      while (open.length > 0 && open[open.length - 1].ts + open[open.length - 1].dur <= e.ts) open.pop();
      const parent = open[open.length - 1];
      if (parent) expect(e.ts + e.dur, `${e.name} overlaps ${parent.name} without nesting`).to.be.at.most(parent.ts + parent.dur);
      open.push(e);
    }
  }
}

/** Node and edge statements of our DOT output, read back. */
function parseDot(dot: string): { nodes: Set<string>; edges: number } {
  const nodes = new Set<string>();
  let edges = 0;
  for (const line of dot.split('\n')) {
    if (/^\s*"(?:[^"\\]|\\.)*" -> "(?:[^"\\]|\\.)*"/.test(line)) edges++;
    else {
      const m = /^\s*"((?:[^"\\]|\\.)*)" \[label=/.exec(line);
      if (m) nodes.add(m[1]);
    }
  }
  return { nodes, edges };
}

describe('CLI: tensorgraph time, draw, optimize (MNIST frozen graph and training .meta, VGG16)', function () {
  this.timeout(120000);
  let dir: string;
  let files: ModelFiles;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-cli-tools-'));
    files = await writeModelFiles(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help for each command (exit 0), usage on missing arguments (exit 2)', () => {
    const main = ok(['--help']);
    for (const c of ['time', 'draw', 'optimize']) expect(main).to.match(new RegExp(`^  ${c} `, 'm'));
    expect(ok(['time', '--help'])).to.contain('--iterations').and.contain('--trace');
    expect(ok(['draw', '--help'])).to.contain('--optimized').and.contain('.html');
    expect(ok(['optimize', '--help'])).to.contain('--disable').and.contain('--compare');
    for (const c of ['time', 'draw', 'optimize']) expect(cli([c]).status).to.equal(2);
  });

  it('time: the per-kernel table, the phases, the total per run, and a nested Chrome trace', () => {
    const trace = join(dir, 'trace.json');
    const out = ok(['time', files.mnistFrozen, '--iterations', '3', '--trace', trace]);
    expect(out).to.match(/^rank\s+phase\s+node\s+kernel\s+calls\s+mean ms\s+share$/m);
    const rows = out.split('\n').filter((l) => /^\s+\d+\s+(forward|backward|update)\s/.test(l));
    expect(rows).to.have.length(10);
    expect(rows.every((r) => /\s3\s+\d+\.\d{3}\s+\d+\.\d%$/.test(r))).to.equal(true);
    expect(out).to.match(/_FusedConv2D/);
    expect(out).to.match(/^forward\s+\d+ kernels\s+[\d.]+ ms\/run\s+100\.0%$/m);
    expect(out).to.match(/^by kernel: cpu:\S+ [\d.]+% \(\d+ nodes?\)(, cpu:\S+ [\d.]+% \(\d+ nodes?\)){4}$/m);
    expect(out).to.match(/^total per run: [\d.]+ ms wall \(min [\d.]+\), [\d.]+ ms in kernels$/m);
    const parsed = JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: TraceEvent[] };
    const complete = parsed.traceEvents.filter((e) => e.ph === 'X');
    expect(complete.length).to.be.greaterThan(5);
    for (const e of complete) {
      for (const k of ['ts', 'dur', 'pid', 'tid'] as const) expect(e[k], `${e.name}.${k}`).to.be.a('number');
      expect(e.dur).to.be.greaterThan(0);
    }
    checkNesting(complete);
  });

  it('time --train on the training .meta: forward, backward and updates apart', () => {
    const out = ok(['time', files.mnistMeta, '--train', '--feeds', 'images=8x784,labels=8', '--iterations', '2']);
    expect(out).to.contain("training op 'train_step'");
    expect(out).to.contain('feeds: images[8,784], labels[8]');
    for (const p of ['forward', 'backward', 'update']) expect(out).to.match(new RegExp(`^${p}\\s+\\d+ kernels`, 'm'));
    expect(out).to.match(/backward\s+gradients\/conv\d\/Conv2D_grad/);
  });

  it('time on VGG16 and errors: one line naming the problem, exit 1', async () => {
    const out = ok(['time', files.vggFrozen, '--iterations', '1']);
    expect(out).to.contain('fetching probs:0').and.contain('feeds: images[1,32,32,3]');
    const bad = cli(['time', files.mnistFrozen, '--feeds', 'images=3x5']);
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.match(/^tensorgraph time: --feeds: shape \[3,5\] for 'images' does not fit its declared shape \[\?,784\]\n$/);
    const noTrain = cli(['time', files.mnistFrozen, '--train']);
    expect(noTrain.status).to.equal(1);
    expect(noTrain.stderr).to.contain('--train needs a training op');
    const onnx = join(dir, 'model.onnx');
    writeFileSync(onnx, new Uint8Array(8));
    const r = cli(['time', onnx]);
    expect(r.status).to.equal(1);
    // .onnx models go through the importer; one that is not a model is one line naming the file
    expect(r.stderr).to.match(/^tensorgraph time: \S*model\.onnx: ir_version 0 is not supported/);
    // --backend webgpu times on the adapter where there is one; without one it says so in one line
    const gpu = cli(['time', files.mnistFrozen, '--backend', 'webgpu', '--iterations', '1']);
    if ((await adapterMissing()) === null) {
      expect(gpu.status, gpu.stderr).to.equal(0);
      expect(gpu.stdout).to.match(/total per run: [\d.]+ ms/);
    } else {
      expect(gpu.status).to.equal(1);
      expect(gpu.stderr).to.contain('WebGPU');
    }
  });

  it('time, draw and optimize read an ONNX model (the PyTorch-exported CNN with batch norm)', () => {
    const model = fileURLToPath(new URL('../../../test/fixtures/onnx/torch_cnn_bn.onnx', import.meta.url));
    const timed = ok(['time', model, '--iterations', '2']);
    expect(timed).to.contain('fetching y:0').and.contain('feeds: x[2,3,9,9]').and.match(/total per run: [\d.]+ ms/);
    expect(timed).to.match(/cpu:_FusedConv2D/);
    const dot = join(dir, 'onnx.dot');
    ok(['draw', model, '-o', dot]);
    const g = tg.onnx.importModelBytes(readFileSync(model)).graph;
    expect(parseDot(readFileSync(dot, 'utf8')).nodes.size).to.equal(g.getOperations().length);
    const opt = ok(['optimize', model, '--compare']);
    expect(opt).to.contain('pipeline on').and.match(/outputs agree: max relative difference/);
  });

  it('draw -o .dot parses back with one node per op and one edge per data or control input', () => {
    for (const model of [files.mnistFrozen, files.vggFrozen, files.mnistMeta]) {
      const out = join(dir, 'net.dot');
      ok(['draw', model, '-o', out]);
      const g = model.endsWith('.meta') ? null : graphOf(model);
      const { nodes, edges } = parseDot(readFileSync(out, 'utf8'));
      if (g) {
        expect(nodes.size, model).to.equal(g.numOps);
        expect(edges, model).to.equal(g.getOperations().reduce((a, o) => a + o.inputs.length + o.controlInputs.length, 0));
      } else expect(nodes.size).to.be.greaterThan(200);
    }
    const opt = join(dir, 'opt.dot');
    expect(ok(['draw', files.mnistFrozen, '-o', opt, '--optimized'])).to.match(/20 ops after the compiler \(from 36\), 7 fused regions/);
    const text = readFileSync(opt, 'utf8');
    expect(parseDot(text).nodes.size).to.equal(20);
    expect(text).to.match(/_FusedConv2D \(3 fused\)\nconv1\/Conv2D \(Conv2D\)\nconv1\/BiasAdd \(BiasAdd\)\nconv1\/Relu \(Relu\)", style="rounded,filled,bold"/);
  });

  it('draw -o .svg without Graphviz writes the HTML viewer instead and says so', () => {
    const out = ok(['draw', files.mnistFrozen, '-o', join(dir, 'nodot.svg')], { TG_DOT: join(dir, 'no-such-dot') });
    expect(out).to.contain("Graphviz '").and.contain('not found').and.contain('nodot.html');
    expect(readFileSync(join(dir, 'nodot.html'), 'utf8')).to.contain('id="graph-data"');
  });

  it('draw -o .svg through Graphviz dot: one SVG node per op', function () {
    const which = spawnSync('dot', ['-V']);
    if (which.error) throw new Error("Graphviz 'dot' is not installed: apt-get install -y graphviz (.ci/run does)");
    const svg = join(dir, 'net.svg');
    ok(['draw', files.mnistFrozen, '-o', svg]);
    const text = readFileSync(svg, 'utf8');
    expect(text).to.contain('<svg');
    expect(text.match(/class="node"/g)).to.have.length(graphOf(files.mnistFrozen).numOps);
  });

  it('draw -o .html: a self-contained viewer that headless Chromium renders with every op, expandable scopes and fused regions', async () => {
    const html = join(dir, 'mnist.html');
    ok(['draw', files.mnistFrozen, '-o', html, '--optimized']);
    const page = readFileSync(html, 'utf8');
    expect(page).to.contain("default-src 'none'");
    expect(page).to.not.match(/\s(src|href)=/);
    const shot = join(dir, 'mnist.png');
    const run = await evaluateInPage(
      pathToFileURL(html).href,
      `(() => { const v = window.tgViewer; const first = [v.opCount, v.visibleOps(), v.visibleScopes(), document.querySelectorAll('g.scope.has-fused').length]; v.expandAll();
         return { first, all: v.visibleOps(), scopes: v.visibleScopes(), fused: v.fusedOps(), details: v.select('conv1/Relu/fused_conv2d') }; })()`,
      60000,
      { screenshot: shot },
    );
    const v = run.value as { first: number[]; all: number; scopes: number; fused: number; details: string };
    expect(run.log, run.log.join('\n')).to.deep.equal([]);
    expect(v.first[0]).to.equal(20);
    expect(v.first[1] + v.first[2]).to.be.lessThan(20);
    expect(v.first[3], 'collapsed scopes holding fused regions are outlined').to.equal(4);
    expect(v.all).to.equal(20);
    expect(v.scopes).to.equal(0);
    expect(v.fused).to.equal(4);
    expect(v.details).to.contain('_FusedConv2D').and.contain('float32[1,28,28,8]').and.contain('conv1/BiasAdd (BiasAdd)').and.contain('padding');
    expect([...readFileSync(shot).subarray(0, 4)]).to.deep.equal([0x89, 0x50, 0x4e, 0x47]);
  });

  it('the HTML viewer keeps hostile text as text: names and a title that close the script element cannot run', async () => {
    const g = new tg.Graph();
    g.asDefault(() => tg.nameScope('a', () => tg.identity(tg.placeholder('float32', [1], 'x'), 'y')));
    const evil = '</script><script>window.pwned=1</script>';
    const html = tg.tools.toHtml(g, { title: evil });
    expect(html).to.not.contain('<script>window.pwned');
    // op names cannot hold '<', attrs and file names can: plant one in the page's data as the
    // generator escapes it, and check the page shows it as text
    const file = join(dir, 'evil.html');
    writeFileSync(file, html.replace('"a/y"', JSON.stringify(`a/${evil}`).replace(/</g, '\\u003c')));
    const run = await evaluateInPage(
      pathToFileURL(file).href,
      `(() => { window.tgViewer.expandAll(); const names = [...document.querySelectorAll('g.op')].map((e) => e.getAttribute('data-name'));
         return [window.pwned === undefined, names, document.title]; })()`,
      60000,
    );
    expect(run.value).to.deep.equal([true, ['a/x', `a/${evil}`], evil]);
  });

  it('optimize: the report (passes, fused regions, memory), --out GraphDef, --compare agreeing, --disable', () => {
    const out = join(dir, 'optimized.pb');
    const text = ok(['optimize', files.mnistFrozen, '--out', out, '--compare', '--iterations', '2']);
    expect(text).to.match(/^pass\s+iter\s+ms\s+before\s+after\s+removed\s+added\s+rewritten\s+notes$/m);
    expect(text).to.match(/^fuse-epilogue\s+1\s+[\d.]+\s+\d+\s+\d+/m);
    expect(text).to.contain('fused regions:').and.contain('epilogue conv1/Relu/fused_conv2d: Conv2D → BiasAdd → Relu');
    expect(text).to.match(/^memory: peak \d+ bytes/m);
    const def = decodeGraphDef(readFileSync(out));
    expect(text).to.contain(`wrote ${out}: ${def.node.length} nodes`);
    expect(def.node.filter((n) => n.op === '_FusedConv2D')).to.have.length(2);
    expect(text).to.match(/^\s+mean time\s+[\d.]+ ms\s+[\d.]+ ms$/m);
    expect(text).to.match(/^\s+kernels per run\s+19\s+35$/m);
    expect(text).to.match(/^\s+peak memory\s+[\d.]+ KiB\s+[\d.]+ KiB$/m);
    expect(text).to.match(/outputs agree: max relative difference/);
    const off = ok(['optimize', files.vggFrozen, '--disable', 'fuse-epilogue,fuse-elementwise']);
    expect(off).to.not.match(/^fuse-epilogue/m);
    const bad = cli(['optimize', files.mnistFrozen, '--disable', 'bogus']);
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.match(/^tensorgraph optimize: Unknown optimizer pass 'bogus'; known passes: /);
  });

  it('optimize --print-after-all: the program after every pass, one node per line', () => {
    const text = ok(['optimize', files.mnistFrozen, '--print-after-all']);
    expect(text).to.match(/^\/\/ after constant-fold \(cleanup stage, iteration 1\): \d+ nodes$/m);
    expect(text).to.match(/^\/\/ after fuse-epilogue \(fusion stage, iteration 1\): \d+ nodes$/m);
    expect(text).to.match(/^%\d+ conv1\/Relu\/fused_conv2d = _FusedConv2D\(.*\) -> float32\[1,\d+,\d+,\d+\].* fuses \[Conv2D, BiasAdd, Relu\]$/m);
    const one = ok(['optimize', files.mnistFrozen, '--print-after', 'layout']);
    expect(one.match(/^\/\/ after /gm)?.length).to.be.greaterThan(0);
    expect(one).to.not.match(/^\/\/ after fuse/m);
  });
});
