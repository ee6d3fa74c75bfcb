import onnxProto from 'onnx-proto';
import { InvalidArgumentError } from '../../../graph/ir/index.js';
import type { ModelNode } from './model.js';
import { normalizeDomain } from './opset.js';

type FunctionProto = onnxProto.onnx.IFunctionProto;
type NodeProto = onnxProto.onnx.INodeProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;

/** Functions calling functions deeper than this are refused (a cycle would never end). */
const MAX_DEPTH = 16;

const key = (domain: string, name: string): string => `${domain}\u0000${name}`;

/**
 * Replaces calls of model-local functions by their bodies. Inner values get names under the
 * calling node's name, so two calls of one function do not collide; attribute references
 * (`ref_attr_name`) take the caller's value, and vanish when the caller does not give it.
 */
export function inlineFunctions(nodes: readonly NodeProto[], functions: readonly FunctionProto[], source: string): ModelNode[] {
  const table = new Map<string, FunctionProto>();
  for (const f of functions) {
    const k = key(normalizeDomain(f.domain), f.name ?? '');
    if (table.has(k)) throw new InvalidArgumentError(`${source}: function '${f.name}' of domain '${f.domain ?? ''}' is defined twice`);
    table.set(k, f);
  }
  const out: ModelNode[] = [];
  const usedNames = new Set<string>();
  const nameOf = (proto: NodeProto, index: number, prefix: string): string => {
    let n = `${prefix}${proto.name || `${proto.opType ?? 'node'}_${index}`}`;
    // node names need not be unique in ONNX; ours must, for errors that point at one node
    for (let k = 1; usedNames.has(n); k++) n = `${prefix}${proto.name || proto.opType}_${index}_${k}`;
    usedNames.add(n);
    return n;
  };
  const expand = (list: readonly NodeProto[], rename: (v: string) => string, attrsOf: (a: AttributeProto[]) => AttributeProto[], prefix: string, depth: number): void => {
    list.forEach((proto, index) => {
      const domain = normalizeDomain(proto.domain);
      const name = nameOf(proto, index, prefix);
      const inputs = (proto.input ?? []).map((v) => (v === '' ? '' : rename(v)));
      const outputs = (proto.output ?? []).map((v) => (v === '' ? '' : rename(v)));
      const attributes = attrsOf(proto.attribute ?? []);
      const fn = table.get(key(domain, proto.opType ?? ''));
      if (!fn) {
        out.push({ name, opType: proto.opType ?? '', domain, inputs, outputs, attributes });
        return;
      }
      if (depth >= MAX_DEPTH) throw new InvalidArgumentError(`${source}: node '${name}': functions nest deeper than ${MAX_DEPTH} (a function calls itself?)`);
      const formalIn = fn.input ?? [];
      const formalOut = fn.output ?? [];
      if (inputs.length > formalIn.length || outputs.length > formalOut.length) {
        throw new InvalidArgumentError(`${source}: node '${name}' calls function '${fn.name}' with ${inputs.length} inputs and ${outputs.length} outputs; it declares ${formalIn.length} and ${formalOut.length}`);
      }
      const binding = new Map<string, string>();
      formalIn.forEach((f, i) => binding.set(f, inputs[i] ?? ''));
      formalOut.forEach((f, i) => binding.set(f, outputs[i] ?? `${name}/${f}`));
      const callerAttrs = new Map(attributes.map((a) => [a.name ?? '', a]));
      const innerAttrs = (as: AttributeProto[]): AttributeProto[] =>
        as.flatMap((a) => {
          if (!a.refAttrName) return [a];
          const given = callerAttrs.get(a.refAttrName);
          return given ? [{ ...given, name: a.name }] : [];
        });
      expand(fn.node ?? [], (v) => binding.get(v) ?? `${name}/${v}`, innerAttrs, `${name}/`, depth + 1);
    });
  };
  expand(nodes, (v) => v, (a) => a, '', 0);
  return out;
}
