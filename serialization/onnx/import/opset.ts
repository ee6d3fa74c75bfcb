import onnxProto from 'onnx-proto';
import { InvalidArgumentError, UnimplementedError } from '../../../graph/ir/index.js';
import { toInt } from './long.js';
import { MAX_OPSET, MIN_OPSET } from './versions.js';

/** Opset version per domain; the standard domain is '' (also written 'ai.onnx'). */
export type Opsets = ReadonlyMap<string, number>;


export const normalizeDomain = (d: string | null | undefined): string => (d === 'ai.onnx' || !d ? '' : d);

export function domainLabel(domain: string): string {
  return domain === '' ? "'ai.onnx' (default)" : `'${domain}'`;
}

/** Reads the opset imports; the standard domain must be imported in the supported range. */
export function resolveOpsets(list: readonly onnxProto.onnx.IOperatorSetIdProto[], source: string): Opsets {
  const out = new Map<string, number>();
  for (const o of list) {
    const domain = normalizeDomain(o.domain);
    const version = toInt(o.version ?? 0, `${source}: opset version of domain ${domainLabel(domain)}`);
    if (out.has(domain)) throw new InvalidArgumentError(`${source}: domain ${domainLabel(domain)} is imported twice`);
    out.set(domain, version);
  }
  const std = out.get('');
  if (std === undefined) throw new InvalidArgumentError(`${source}: the model imports no opset of the default ONNX domain`);
  if (std < MIN_OPSET || std > MAX_OPSET) {
    throw new UnimplementedError(`${source}: default-domain opset ${std} is not supported (the importer handles opsets ${MIN_OPSET} to ${MAX_OPSET})`);
  }
  return out;
}
