import { FailedPreconditionError, Graph, InvalidArgumentError, NotFoundError, Tensor } from '../../../graph/ir/index.js';
import type { Variable } from '../../../ops/state/variable.js';
import { readFileSync, requireFileSystem } from '../../../platform/fs.js';
import { buildModel } from './build.js';
import { decodeModel } from './model.js';
import { checkSupported } from './table.js';

export interface OnnxImportOptions {
  /** Float initializers become trainable Variables (default: constants). */
  trainable?: boolean;
  /** A name scope for everything imported. */
  prefix?: string;
  /** The graph to import into (default: a new graph). */
  graph?: Graph;
  /** Existing tensors to use for model inputs, by ONNX input name (TF's input_map). */
  inputMap?: Readonly<Record<string, Tensor>>;
}

export interface OnnxImportResult {
  graph: Graph;
  /** The model's inputs (initializers excluded), in model order. */
  inputs: Tensor[];
  /** The model's outputs, in model order. */
  outputs: Tensor[];
  /** The Variables made from initializers (empty unless `trainable`); run their initializers first. */
  variables: Variable[];
}

/**
 * Imports an ONNX model (bytes, or a path in Node) as a graph. A model that uses an operator or
 * mode tensorgraph lacks fails with UnimplementedError naming the node, operator, domain and
 * opset; a malformed file with InvalidArgumentError or DataLossError. Either way the target
 * graph is left as it was.
 */
export async function importModel(source: Uint8Array | string, options: OnnxImportOptions = {}): Promise<OnnxImportResult> {
  if (typeof source === 'string') {
    requireFileSystem('tg.onnx.importModel');
    return importModelBytes(readModelFile(source), options, source);
  }
  return importModelBytes(source, options);
}

function readModelFile(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new NotFoundError(`tg.onnx.importModel: no such file '${path}'`);
    throw e;
  }
}

/** The synchronous core of importModel, on bytes. */
export function importModelBytes(bytes: Uint8Array, options: OnnxImportOptions = {}, source = 'ONNX model'): OnnxImportResult {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('tg.onnx.importModel: expected a Uint8Array or a file path');
  const model = decodeModel(bytes, source);
  checkSupported(model);
  const target = options.graph;
  if (target?.finalized) throw new FailedPreconditionError('tg.onnx.importModel: the target graph is finalized');
  const inputMap = new Map(Object.entries(options.inputMap ?? {}));
  const build = (g: Graph, map: ReadonlyMap<string, Tensor>) => buildModel(model, g, { trainable: options.trainable ?? false, prefix: options.prefix ?? '', inputMap: map });
  if (!target) {
    const graph = new Graph();
    return { graph, ...build(graph, inputMap) };
  }
  for (const [k, t] of inputMap) {
    if (!(t instanceof Tensor)) throw new InvalidArgumentError(`tg.onnx.importModel: inputMap['${k}'] is not a Tensor`);
    if (t.graph !== target) throw new InvalidArgumentError(`tg.onnx.importModel: inputMap['${k}'] (${t.name}) is not in the target graph`);
  }
  // a handler refusing an attribute, or a shape error, midway takes everything built with it
  return { graph: target, ...target.atomically(() => build(target, inputMap)) };
}
