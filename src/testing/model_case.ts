import { InvalidArgumentError } from '../../graph/ir/index.js';
import { decodeGraphDef, parseGraphDefText } from '../../serialization/graph_def.js';
import { decodeMetaGraph, graphDefWithoutSaver } from '../../serialization/meta_graph.js';
import { readFileSync, requireFileSystem } from '../../serialization/platform/fs.js';
import type { GraphDef } from '../../serialization/types.js';
import { feedShapes, modelFromGraphDef, syntheticFeeds } from '../tools/loaded_model.js';
import type { SingleRunCase } from './single_run.js';

/** A model for checkPass: a file path (Node only), GraphDef or MetaGraphDef bytes, or a GraphDef. */
export type ModelInput = string | Uint8Array | GraphDef;

/**
 * Opens a model as a single-run case: its placeholders fed with seeded values (unknown dims 1),
 * its outputs (ops nothing consumes) fetched, its variables initialised first.
 */
export function loadModelCase(input: ModelInput): { name: string; c: SingleRunCase } {
  const name = typeof input === 'string' ? input : input instanceof Uint8Array ? `model bytes (${input.length})` : 'GraphDef';
  const def = graphDefOf(input, name);
  const model = modelFromGraphDef(def, name);
  if (model.outputs.length === 0) throw new InvalidArgumentError(`checkPass: ${name} has no outputs (ops nothing consumes) to compare`);
  const feeds = syntheticFeeds(feedShapes(model, undefined));
  return { name, c: { graph: model.graph, fetches: model.outputs, feeds, init: model.initOps } };
}

function graphDefOf(input: ModelInput, name: string): GraphDef {
  if (typeof input === 'string') {
    requireFileSystem('tg.testing.checkPass (models given as paths)');
    const bytes = readFileSync(input) as Uint8Array;
    if (input.endsWith('.meta')) return graphDefWithoutSaver(decodeMetaGraph(bytes, input));
    if (input.endsWith('.pbtxt')) return parseGraphDefText(new TextDecoder().decode(bytes), input);
    if (input.endsWith('.onnx')) throw new InvalidArgumentError(`checkPass: ${input}: ONNX models are read with tg.onnx.importModel; pass its graph's toGraphDef() instead`);
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
