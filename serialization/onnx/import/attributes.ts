import onnxProto from 'onnx-proto';
import { InvalidArgumentError } from '../../../graph/ir/index.js';
import { decodeTensor } from './host_tensor.js';
import type { HostTensor } from './host_tensor.js';
import { toInt } from './long.js';

const AT = onnxProto.onnx.AttributeProto.AttributeType;

/**
 * Typed reads of a node's attributes. Each read checks the attribute's declared type and names
 * the node and attribute when it is wrong, so a hostile file cannot pass a string where an int
 * is expected.
 */
export class NodeAttrs {
  private readonly byName = new Map<string, onnxProto.onnx.IAttributeProto>();

  constructor(
    list: readonly onnxProto.onnx.IAttributeProto[],
    private readonly where: string,
  ) {
    for (const a of list) {
      const name = a.name ?? '';
      if (name === '') throw new InvalidArgumentError(`${where}: an attribute has no name`);
      if (this.byName.has(name)) throw new InvalidArgumentError(`${where}: attribute '${name}' is given twice`);
      this.byName.set(name, a);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  private get(name: string, type: number, typeName: string): onnxProto.onnx.IAttributeProto | undefined {
    const a = this.byName.get(name);
    if (a === undefined) return undefined;
    // files from old writers leave `type` unset; then the filled field decides below
    if (a.type !== undefined && a.type !== null && a.type !== 0 && a.type !== type) {
      throw new InvalidArgumentError(`${this.where}: attribute '${name}' must be ${typeName}, got type ${a.type}`);
    }
    return a;
  }

  int(name: string, dflt: number): number;
  int(name: string): number | undefined;
  int(name: string, dflt?: number): number | undefined {
    const a = this.get(name, AT.INT, 'an int');
    return a ? toInt(a.i ?? 0, `${this.where}: attribute '${name}'`) : dflt;
  }

  float(name: string, dflt: number): number;
  float(name: string): number | undefined;
  float(name: string, dflt?: number): number | undefined {
    const a = this.get(name, AT.FLOAT, 'a float');
    return a ? (a.f ?? 0) : dflt;
  }

  string(name: string, dflt: string): string;
  string(name: string): string | undefined;
  string(name: string, dflt?: string): string | undefined {
    const a = this.get(name, AT.STRING, 'a string');
    return a ? new TextDecoder().decode(a.s ?? new Uint8Array(0)) : dflt;
  }

  ints(name: string, dflt: readonly number[]): number[];
  ints(name: string): number[] | undefined;
  ints(name: string, dflt?: readonly number[]): number[] | undefined {
    const a = this.get(name, AT.INTS, 'a list of ints');
    if (!a) return dflt === undefined ? undefined : [...dflt];
    return (a.ints ?? []).map((v) => toInt(v, `${this.where}: attribute '${name}'`));
  }

  floats(name: string): number[] | undefined {
    const a = this.get(name, AT.FLOATS, 'a list of floats');
    return a ? [...(a.floats ?? [])] : undefined;
  }

  tensor(name: string): HostTensor | undefined {
    const a = this.get(name, AT.TENSOR, 'a tensor');
    if (!a) return undefined;
    if (!a.t) throw new InvalidArgumentError(`${this.where}: attribute '${name}' holds no tensor`);
    return decodeTensor(a.t, `${this.where}: attribute '${name}'`);
  }

  /** One of `allowed`, or InvalidArgumentError listing them. */
  choice<S extends string>(name: string, allowed: readonly S[], dflt: S): S {
    const v = this.string(name, dflt);
    if (!(allowed as readonly string[]).includes(v)) {
      throw new InvalidArgumentError(`${this.where}: attribute '${name}' is '${v}', expected one of ${allowed.join(', ')}`);
    }
    return v as S;
  }
}
