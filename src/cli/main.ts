#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TensorGraphError } from '../../graph/ir/index.js';
import { BundleReader } from '../../serialization/checkpoint/bundle.js';
import { resolveCheckpoint } from '../../serialization/checkpoint/restore.js';
import { encodeGraphDef } from '../../serialization/graph_def.js';
import { convertVariablesToConstants } from '../../serialization/graph_util.js';
import { fromTfDTypeOrNull, tfDTypeName } from '../../serialization/dtypes.js';
import { exportModel } from '../../serialization/onnx/export.js';
import type { NodeDef } from '../../serialization/types.js';
import { graphDefFrom, readInput, writeOutput } from './files.js';
import { timeCommand } from './time.js';
import { drawCommand } from './draw.js';
import { optimizeCommand } from './optimize.js';
import { describeOnnx, onnxToGraphDef } from './onnx_commands.js';

const HELP: Record<string, string> = {
  main: `Usage: tensorgraph <command> [options]

Commands:
  freeze    checkpoint + .meta -> frozen GraphDef (.pb)
  inspect   list ops, inputs, outputs and variables of a .pb, .pbtxt, .meta, .onnx or checkpoint prefix
  export-onnx  frozen GraphDef (.pb/.pbtxt) -> ONNX model (.onnx), opset 17
  import-onnx  ONNX model (.onnx) -> GraphDef (.pb)
  time      per-kernel timing table of a model (caffe time), forward/backward, Chrome trace
  draw      the graph as SVG (Graphviz), DOT or a self-contained HTML viewer
  optimize  the compiler's report for a model, the optimised graph, pipeline on/off comparison

Run 'tensorgraph <command> --help' for a command's options, 'tensorgraph --version' for the version.`,
  freeze: `Usage: tensorgraph freeze --checkpoint <prefix|dir> --outputs <a,b> --out <frozen.pb> [--meta <file.meta>]

Turns the variables of a checkpoint into constants of the graph in its .meta file (default:
<prefix>.meta), keeping only what the output nodes need (TF's freeze_graph).`,
  inspect: `Usage: tensorgraph inspect <file.pb|file.pbtxt|file.meta|file.onnx|checkpoint prefix>

Prints the graph's op counts, its inputs (placeholders), likely outputs (ops nothing consumes)
and variables; for a checkpoint, its tensors with dtype and shape; for an ONNX model, its
opsets, operators, inputs and outputs, and every node 'import-onnx' would refuse.`,
  'import-onnx': `Usage: tensorgraph import-onnx <model.onnx> -o <model.pb> [--prefix <scope>]

Imports an ONNX model (opsets 7 to 25) as a TensorFlow GraphDef: initializers become constants,
graph inputs placeholders (symbolic dims unknown), and each model output an Identity named after
it ('probs:0' -> 'probs'). A model with an operator tensorgraph lacks is refused, naming the
node, operator, domain and opset; 'inspect model.onnx' lists all such nodes.`,
  'export-onnx': `Usage: tensorgraph export-onnx <frozen.pb|frozen.pbtxt> --inputs <x:0,...> --outputs <probs:0,...> --out <model.onnx>

Exports a frozen graph (variables already constants: see 'freeze') as an ONNX model, opset 17,
that ONNX Runtime can run. Names without ':N' mean output 0 ('x' is 'x:0'); TF tensor names
stay the ONNX value names, and unknown dims become symbolic ('batch', 'unk_N').`,
};

function inspect(args: string[]): void {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean' } } });
  if (values.help || positionals.length !== 1) {
    usage('inspect', values.help, positionals.length === 0 ? ['the file to inspect'] : [`one file, not ${positionals.length}`]);
    return;
  }
  const path = positionals[0];
  if (path.endsWith('.onnx')) {
    for (const line of describeOnnx(readInput(path), path)) console.log(line);
    return;
  }
  if (!/\.(pb|pbtxt|meta)$/.test(path)) {
    const r = new BundleReader(resolveCheckpoint(path));
    for (const [name] of r.list()) {
      const e = r.entry(name);
      console.log(`${name}\t${tfDTypeName(e.dtypeEnum)}\t[${e.shape.join(',')}]`);
    }
    return;
  }
  const def = graphDefFrom(path);
  const counts = new Map<string, number>();
  const consumed = new Set<string>();
  for (const n of def.node) {
    counts.set(n.op, (counts.get(n.op) ?? 0) + 1);
    for (const i of n.input ?? []) consumed.add(i.replace(/^\^/, '').replace(/:\d+$/, ''));
  }
  console.log(`${def.node.length} nodes`);
  for (const [op, c] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${op}: ${c}`);
  console.log(`inputs: ${def.node.filter((n) => n.op === 'Placeholder' || n.op === 'PlaceholderWithDefault').map(describeInput).join(', ')}`);
  console.log(`outputs: ${def.node.filter((n) => !consumed.has(n.name) && n.op !== 'NoOp' && n.op !== 'Assign').map((n) => n.name).join(', ')}`);
  console.log(`variables: ${def.node.filter((n) => n.op === 'VariableV2' || n.op === 'Variable').map((n) => n.name).join(', ')}`);
}

function freeze(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: { help: { type: 'boolean' }, checkpoint: { type: 'string' }, meta: { type: 'string' }, outputs: { type: 'string' }, out: { type: 'string' } },
  });
  if (values.help || !values.checkpoint || !values.outputs || !values.out) {
    usage('freeze', values.help, missing(values, { checkpoint: '--checkpoint <prefix|dir>', outputs: '--outputs <a,b>', out: '--out <frozen.pb>' }));
    return;
  }
  const prefix = resolveCheckpoint(values.checkpoint);
  // the checkpoint first: a wrong --checkpoint is reported as such, not as a missing .meta
  const reader = new BundleReader(prefix);
  const def = graphDefFrom(values.meta ?? `${prefix}.meta`);
  const source = { variableValue: (name: string) => (reader.has(name) ? reader.read(name) : undefined) };
  const frozen = convertVariablesToConstants(source, def, values.outputs.split(',').map((s) => s.trim()));
  writeOutput(values.out, encodeGraphDef(frozen));
  console.log(`wrote ${values.out}: ${frozen.node.length} nodes`);
}

function exportOnnx(args: string[]): void {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean' }, inputs: { type: 'string' }, outputs: { type: 'string' }, out: { type: 'string' } },
  });
  if (values.help || positionals.length !== 1 || !values.inputs || !values.outputs || !values.out) {
    const what = missing(values, { inputs: '--inputs <x:0,...>', outputs: '--outputs <probs:0,...>', out: '--out <model.onnx>' });
    usage('export-onnx', values.help, positionals.length === 1 ? what : ['the frozen graph file', ...what]);
    return;
  }
  const names = (list: string) => list.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => (/:\d+$/.test(s) ? s : `${s}:0`));
  const model = exportModel(graphDefFrom(positionals[0]), { inputs: names(values.inputs), outputs: names(values.outputs) });
  writeOutput(values.out, model);
  console.log(`wrote ${values.out}: ${model.length} bytes`);
}

/** `--help` prints the usage; a call missing something also says what, on stderr, with exit code 2. */
function usage(cmd: string, help: boolean | undefined, lacking: readonly string[]): void {
  console.log(HELP[cmd]);
  if (help) return;
  if (lacking.length > 0) console.error(`tensorgraph ${cmd}: missing ${lacking.join(', ')}`);
  process.exitCode = 2;
}

function missing(values: Readonly<Record<string, unknown>>, required: Readonly<Record<string, string>>): string[] {
  return Object.entries(required).filter(([k]) => values[k] === undefined || values[k] === '').map(([, flag]) => flag);
}

/** `x (float32, [?,784])`: a placeholder as a caller must feed it. */
function describeInput(n: NodeDef): string {
  const dtype = n.attr?.dtype?.type;
  const shape = n.attr?.shape?.shape;
  const dims = shape === undefined || shape.unknown_rank ? '<unknown>' : `[${(shape.dim ?? []).map((d) => (d.size === undefined || d.size < 0 ? '?' : String(d.size))).join(',')}]`;
  const name = dtype === undefined ? '?' : fromTfDTypeOrNull(dtype) ?? tfDTypeName(dtype);
  return `${n.name} (${name}, ${dims})`;
}

/** The version of the installed package, read from its package.json (two folders above dist/src/cli). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return String(pkg.version);
}

function importOnnx(args: string[]): void {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean' }, out: { type: 'string', short: 'o' }, prefix: { type: 'string' } },
  });
  if (values.help || positionals.length !== 1 || !values.out) {
    usage('import-onnx', values.help, [...(positionals.length === 1 ? [] : ['the .onnx file']), ...missing(values, { out: '--out <model.pb>' })]);
    return;
  }
  const path = positionals[0];
  const { def, inputs, outputs } = onnxToGraphDef(readInput(path), path, values.prefix);
  writeOutput(values.out, encodeGraphDef(def));
  console.log(`wrote ${values.out}: ${def.node.length} nodes; inputs: ${inputs.join(', ')}; outputs: ${outputs.join(', ')}`);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === '--version' || cmd === '-v') console.log(`tensorgraph ${version()}`);
    else if (cmd === 'time') await timeCommand(rest);
    else if (cmd === 'draw') drawCommand(rest);
    else if (cmd === 'optimize') await optimizeCommand(rest);
    else if (cmd === 'freeze') freeze(rest);
    else if (cmd === 'inspect') inspect(rest);
    else if (cmd === 'export-onnx') exportOnnx(rest);
    else if (cmd === 'import-onnx') importOnnx(rest);
    else {
      console.log(HELP.main);
      if (cmd !== '--help' && cmd !== '-h' && cmd !== 'help') process.exitCode = 2;
    }
  } catch (e) {
    // every failure is one line on stderr and exit code 1, never a stack; an error that is not one
    // of ours is a bug, and says so
    const known = e instanceof TensorGraphError || (e as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
    const message = e instanceof Error ? e.message : String(e);
    const line = (known ? message : `internal error (${e instanceof Error ? e.name : typeof e}): ${message}`).split('\n')[0];
    console.error(`tensorgraph ${cmd}: ${line}`);
    process.exitCode = 1;
  }
}

await main(process.argv.slice(2));
