import { graphDefFrom } from './files.js';
import { LoadedModel, modelFromGraphDef } from '../tools/loaded_model.js';

export { feedShapes, syntheticFeeds, modelFromGraphDef } from '../tools/loaded_model.js';
export type { LoadedModel } from '../tools/loaded_model.js';

/** Reads a model file (.pb, .pbtxt, .meta) for `time`, `draw` and `optimize`. */
export function loadModel(path: string): LoadedModel {
  return modelFromGraphDef(graphDefFrom(path), path);
}
