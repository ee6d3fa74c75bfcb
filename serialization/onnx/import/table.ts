import { InvalidArgumentError, UnimplementedError } from '../../../graph/ir/index.js';
import type { Handler, OpTable, VersionedHandlers } from './context.js';
import type { DecodedModel, ModelNode } from './model.js';
import { domainLabel } from './opset.js';
import { ACTIVATION_IMPORTS } from './ops/activation.js';
import { ARRAY_IMPORTS } from './ops/array.js';
import { CONV_IMPORTS } from './ops/conv.js';
import { ELEMENTWISE_IMPORTS } from './ops/elementwise.js';
import { MATMUL_IMPORTS } from './ops/matmul.js';
import { MISC_IMPORTS } from './ops/misc.js';
import { NORMALIZATION_IMPORTS } from './ops/normalization.js';
import { POOL_IMPORTS } from './ops/pool.js';
import { REDUCE_IMPORTS } from './ops/reduce.js';
import { RESIZE_IMPORTS } from './ops/resize.js';
import { SHAPE_IMPORTS } from './ops/shape.js';

const FAMILIES: readonly OpTable[] = [
  ELEMENTWISE_IMPORTS, ACTIVATION_IMPORTS, MATMUL_IMPORTS, CONV_IMPORTS, POOL_IMPORTS, NORMALIZATION_IMPORTS,
  SHAPE_IMPORTS, ARRAY_IMPORTS, REDUCE_IMPORTS, RESIZE_IMPORTS, MISC_IMPORTS,
];

/** Every default-domain operator the importer knows, checked at load for duplicates. */
export const ONNX_IMPORTS: ReadonlyMap<string, VersionedHandlers> = (() => {
  const all = new Map<string, VersionedHandlers>();
  for (const t of FAMILIES) {
    for (const [k, v] of Object.entries(t)) {
      if (all.has(k)) throw new Error(`ONNX import: operator '${k}' is in two families' tables`);
      all.set(k, v);
    }
  }
  return all;
})();

/** The handler for `node` at `opset`: the entry with the newest version not after it. */
export function handlerFor(node: ModelNode, opset: number, where: string): Handler {
  if (node.domain !== '') throw new UnimplementedError(`ONNX import of ${where} is not supported: only operators of the default ONNX domain are mapped`);
  const entry = ONNX_IMPORTS.get(node.opType);
  if (!entry) throw new UnimplementedError(`ONNX import of ${where} is not supported: tensorgraph has no mapping for this operator`);
  const since = Object.keys(entry).map(Number).filter((v) => v <= opset).sort((a, b) => b - a)[0];
  if (since === undefined) {
    const first = Math.min(...Object.keys(entry).map(Number));
    throw new InvalidArgumentError(`ONNX import of ${where}: ${node.opType} is not in opset ${opset} (the importer maps it from opset ${first})`);
  }
  return entry[since];
}

/** Raises, before anything is built, for the first node whose operator is not mapped. */
export function checkSupported(model: DecodedModel): void {
  const first = unsupportedNodes(model)[0];
  if (first) throw first;
}

/** The refusal of every node whose operator (at its opset) is not mapped, in model order. */
export function unsupportedNodes(model: DecodedModel): Error[] {
  const out: Error[] = [];
  for (const n of model.nodes) {
    const opset = model.opsets.get(n.domain);
    if (opset === undefined) {
      out.push(new UnimplementedError(`ONNX import of node '${n.name}' (op type ${n.opType}, domain '${n.domain}') is not supported: the model imports no opset for its domain`));
      continue;
    }
    try {
      handlerFor(n, opset, `node '${n.name}' (op type ${n.opType}, domain ${domainLabel(n.domain)}, opset ${opset})`);
    } catch (e) {
      out.push(e as Error);
    }
  }
  return out;
}
