import { InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { importModel } from '../../serialization/onnx/import/index.js';
import { decodeGraphDef, parseGraphDefText } from '../../serialization/graph_def.js';
import { decodeMetaGraph, graphDefWithoutSaver } from '../../serialization/meta_graph.js';
import { readFileSync, requireFileSystem } from '../../platform/fs.js';
import type { GraphDef } from '../../serialization/types.js';
import { feedShapes, modelFromGraphDef, syntheticFeeds } from '../tools/loaded_model.js';
import type { SingleRunCase } from './single_run.js';

/**
 * A model for checkPass: a file path (Node only; .pb, .pbtxt, .meta, .onnx), GraphDef or
 * MetaGraphDef bytes, a GraphDef, or ONNX bytes as `{ onnx: bytes }`.
 */
export type ModelInput = string | Uint8Array | GraphDef | { readonly onnx: Uint8Array };

/**
 * Opens a model as a single-run case: its placeholders fed with seeded values (unknown dims 1),
 * its outputs (ops nothing consumes) fetched, its variables initialised first.
 */
export async function loadModelCase(input: ModelInput): Promise<{ name: string; c: SingleRunCase }> {
  if ((typeof input === 'string' && input.endsWith('.onnx')) || (typeof input === 'object' && 'onnx' in input)) return onnxCase(input);
  const name = typeof input === 'string' ? input : input instanceof Uint8Array ? `model bytes (${input.length})` : 'GraphDef';
  const def = graphDefOf(input as string | Uint8Array | GraphDef, name);
  const model = modelFromGraphDef(def, name);
  if (model.outputs.length === 0) throw new InvalidArgumentError(`checkPass: ${name} has no outputs (ops nothing consumes) to compare`);
  const feeds = syntheticFeeds(feedShapes(model, undefined));
  return { name, c: { graph: model.graph, fetches: model.outputs, feeds, init: model.initOps } };
}

/** An ONNX model through the ONNX importer: its inputs fed (unknown dims 1), its outputs fetched. */
async function onnxCase(input: string | { readonly onnx: Uint8Array }): Promise<{ name: string; c: SingleRunCase }> {
  const name = typeof input === 'string' ? input : `ONNX bytes (${input.onnx.length})`;
  const model = await importModel(typeof input === 'string' ? input : input.onnx);
  const shapes = new Map<Tensor, number[]>();
  for (const t of model.inputs) {
    if (t.shape === null) throw new InvalidArgumentError(`checkPass: input '${t.name}' of ${name} has an unknown rank; pass the model as a GraphDef with a shaped placeholder`);
    shapes.set(t, t.shape.map((d) => d ?? 1));
  }
  return { name, c: { graph: model.graph, fetches: model.outputs, feeds: syntheticFeeds(shapes), init: model.variables.map((v) => v.initializer) } };
}

function graphDefOf(input: string | Uint8Array | GraphDef, name: string): GraphDef {
  if (typeof input === 'string') {
    requireFileSystem('tg.testing.checkPass (models given as paths)');
    const bytes = readFileSync(input) as Uint8Array;
    if (input.endsWith('.meta')) return graphDefWithoutSaver(decodeMetaGraph(bytes, input));
    if (input.endsWith('.pbtxt')) return parseGraphDefText(new TextDecoder().decode(bytes), input);
    return decodeGraphDef(bytes, input);
  }
  if (input instanceof Uint8Array) {
    // a MetaGraphDef's field 1 is its meta_info_def, a GraphDef's is a node: try the GraphDef first
    try {
      const def = decodeGraphDef(input, name);
      if ((def.node ?? []).length > 0) return def;
    } catch {
      // not a GraphDef: a MetaGraphDef, or an error from that decoder below
    }
    return graphDefWithoutSaver(decodeMetaGraph(input, name));
  }
  return input;
}
