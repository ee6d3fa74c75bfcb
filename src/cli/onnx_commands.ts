import { Graph } from '../../graph/ir/index.js';
import { toGraphDef } from '../../serialization/graph_def.js';
import { importModelBytes } from '../../serialization/onnx/import/import.js';
import { decodeModel } from '../../serialization/onnx/import/model.js';
import type { ValueSpec } from '../../serialization/onnx/import/model.js';
import { unsupportedNodes } from '../../serialization/onnx/import/table.js';
import type { GraphDef } from '../../serialization/types.js';

/** The ONNX side of the CLI: `inspect model.onnx` and `import-onnx`. The caller does the file IO. */

const dims = (s: ValueSpec['shape']): string => (s === null ? '<unknown rank>' : `[${s.map((d) => (d === null ? '?' : d)).join(',')}]`);

/** What `tensorgraph inspect model.onnx` prints: producer, opsets, inputs, outputs, operators, what import refuses. */
export function describeOnnx(bytes: Uint8Array, path: string): string[] {
  const m = decodeModel(bytes, path);
  const counts = new Map<string, number>();
  for (const n of m.nodes) {
    const k = n.domain === '' ? n.opType : `${n.domain}.${n.opType}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let params = 0;
  for (const t of m.initializers.values()) params += (t.dims ?? []).reduce<number>((a, d) => a * Number(d), 1);
  const lines = [
    `ONNX model: ir_version ${m.irVersion}, producer '${m.producer}', opsets ${[...m.opsets].map(([d, v]) => `${d === '' ? 'ai.onnx' : d} ${v}`).join(', ')}`,
    `${m.nodes.length} nodes (model-local functions inlined)`,
    ...[...counts].sort((a, b) => b[1] - a[1]).map(([op, c]) => `  ${op}: ${c}`),
    `inputs: ${m.inputs.map((v) => `${v.name} ${v.dtype} ${dims(v.shape)}`).join(', ')}`,
    `outputs: ${m.outputs.map((v) => `${v.name} ${v.dtype} ${dims(v.shape)}`).join(', ')}`,
    `initializers: ${m.initializers.size} (${params} values)`,
  ];
  const refused = unsupportedNodes(m);
  if (refused.length === 0) lines.push('import: every operator is mapped');
  else lines.push(`import: ${refused.length} node(s) not supported:`, ...refused.slice(0, 20).map((e) => `  ${e.message}`));
  return lines;
}

/** Imports an ONNX model and returns it as a GraphDef (initializers as constants), with its input and output tensor names. */
export function onnxToGraphDef(bytes: Uint8Array, path: string, prefix?: string): { def: GraphDef; inputs: string[]; outputs: string[] } {
  const r = importModelBytes(bytes, { graph: new Graph(), prefix }, path);
  return { def: toGraphDef(r.graph), inputs: r.inputs.map((t) => t.name), outputs: r.outputs.map((t) => t.name) };
}
