import { Graph, InvalidArgumentError, Tensor, UnimplementedError } from '../../../graph/ir/index.js';
import type { AttrMap, DType } from '../../../graph/ir/index.js';
import { makeConst, makeOp, staticValue } from '../../../ops/builder.js';
import { Placeholder } from '../../../ops/leaves/leaves.js';
import { getOpDef } from '../../../ops/registry.js';
import { Variable } from '../../../ops/state/variable.js';
import { NodeAttrs } from './attributes.js';
import type { NodeContext, Value } from './context.js';
import { decodeTensor, hostTensor, toNDArray } from './host_tensor.js';
import type { HostTensor } from './host_tensor.js';
import type { DecodedModel, ModelNode } from './model.js';
import { opNameFor } from './names.js';
import { domainLabel } from './opset.js';
import { handlerFor } from './table.js';

export interface BuildOptions {
  trainable: boolean;
  /** Name scope every op goes under ('' for the graph's current scope). */
  prefix: string;
  /** Graph tensors standing in for model inputs, by ONNX input name (TF's input_map). */
  inputMap: ReadonlyMap<string, Tensor>;
}

export interface BuildResult {
  inputs: Tensor[];
  outputs: Tensor[];
  variables: Variable[];
}

export const isTensor = (v: Value): v is Tensor => v instanceof Tensor;

export function nodeLabel(n: ModelNode, opset: number): string {
  return `node '${n.name}' (op type ${n.opType}, domain ${domainLabel(n.domain)}, opset ${opset})`;
}

/**
 * Builds a decoded model into `graph`. Every operator was already found supported (check.ts);
 * a handler may still refuse an attribute combination, which is why imports into a caller's
 * graph run inside `Graph.atomically` (import.ts).
 */
export function buildModel(model: DecodedModel, graph: Graph, options: BuildOptions): BuildResult {
  return graph.asDefault(() => {
    const run = (): BuildResult => new Builder(model, graph, options).build();
    return options.prefix ? graph.nameScope(options.prefix, run) : run();
  });
}

class Builder {
  private readonly values = new Map<string, Value>();
  /** Why a value cannot be used: node outputs a handler does not produce. */
  private readonly missing = new Map<string, string>();
  private readonly consts = new Map<string, Tensor>();
  private readonly variables: Variable[] = [];
  private readonly initializers = new Set<string>();
  private readonly scope: string;

  constructor(
    private readonly model: DecodedModel,
    private readonly graph: Graph,
    private readonly options: BuildOptions,
  ) {
    this.scope = graph.currentScope;
  }

  build(): BuildResult {
    for (const [name, proto] of this.model.initializers) {
      this.values.set(name, decodeTensor(proto, `initializer '${name}'`));
      this.initializers.add(name);
    }
    const inputs = this.model.inputs.map((spec) => {
      const mapped = this.options.inputMap.get(spec.name);
      const t = mapped ?? makeOp(Placeholder, [], { dtype: spec.dtype, shape: spec.shape }, { name: opNameFor(spec.name, 'input'), graph: this.graph }).outputs[0];
      if (mapped && mapped.dtype !== spec.dtype) {
        throw new InvalidArgumentError(`input_map: model input '${spec.name}' has dtype ${spec.dtype}, the tensor given for it ${mapped.name} has ${mapped.dtype}`);
      }
      this.values.set(spec.name, t);
      return t;
    });
    for (const [name] of this.options.inputMap) {
      if (!this.model.inputs.some((s) => s.name === name)) throw new InvalidArgumentError(`input_map names '${name}', which is not a model input`);
    }
    for (const node of this.model.nodes) this.buildNode(node);
    const outputs = this.model.outputs.map((spec) => {
      const t = this.tensorOf(spec.name, `model output '${spec.name}'`);
      // an Identity named after the output, so users can fetch it by its ONNX name
      return makeOp(getOpDef('Identity'), [t], {}, { name: opNameFor(spec.name, 'output'), graph: this.graph }).outputs[0];
    });
    return { inputs, outputs, variables: this.variables };
  }

  private valueOf(name: string, user: string): Value {
    const v = this.values.get(name);
    if (v !== undefined) return v;
    throw new UnimplementedError(`${user}: value '${name}' ${this.missing.get(name) ?? 'is not defined'}`);
  }

  /** A value as a graph tensor; constants are created once, at the import's root scope. */
  private tensorOf(name: string, user: string, trainable = true): Tensor {
    const v = this.valueOf(name, user);
    if (isTensor(v)) return v;
    const made = this.consts.get(name);
    if (made) return made;
    const t = this.graph.nameScope(this.scope, () => {
      const opName = opNameFor(name, 'const');
      const array = toNDArray(v, `constant '${name}'`);
      if (this.options.trainable && trainable && this.initializers.has(name) && v.dtype === 'float32') {
        const variable = new Variable(array, { name: opName, trainable: true });
        this.variables.push(variable);
        return variable.toTensor();
      }
      return makeConst(array, opName, this.graph);
    });
    this.consts.set(name, t);
    return t;
  }

  private hostOf(name: string): HostTensor | null {
    const v = this.values.get(name);
    if (v === undefined) return null;
    if (!isTensor(v)) return v;
    const s = staticValue(v);
    return s ? hostTensor(s.dtype, s.shape, s.data as ArrayLike<number>) : null;
  }

  private buildNode(node: ModelNode): void {
    const opset = this.model.opsets.get(node.domain) ?? 0;
    const where = nodeLabel(node, opset);
    const handler = handlerFor(node, opset, where);
    const ctx = this.context(node, opset, where);
    const results = this.graph.nameScope(opNameFor(node.name, node.opType), () => handler(ctx));
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      const r = results[i];
      if (r === undefined) this.missing.set(name, `(output ${i} of ${where}) is not produced by the importer`);
      else this.values.set(name, r);
    });
  }

  private context(node: ModelNode, opset: number, where: string): NodeContext {
    const graph = this.graph;
    const present = (i: number): boolean => i < node.inputs.length && node.inputs[i] !== '';
    const refuse = (why: string): never => {
      throw new UnimplementedError(`ONNX import of ${where} is not supported: ${why}`);
    };
    const invalid = (why: string): never => {
      throw new InvalidArgumentError(`ONNX import of ${where}: ${why}`);
    };
    const ctx: NodeContext = {
      node,
      opset,
      graph,
      attrs: new NodeAttrs(node.attributes, where),
      where,
      outputCount: node.outputs.length,
      wantsOutput: (i) => i < node.outputs.length && node.outputs[i] !== '',
      has: present,
      input: (i, opts) => {
        if (!present(i)) return invalid(`input ${i} is required`);
        return this.tensorOf(node.inputs[i], where, opts?.trainable ?? true);
      },
      value: (i) => (present(i) ? this.valueOf(node.inputs[i], where) : invalid(`input ${i} is required`)),
      host: (i) => (present(i) ? this.hostOf(node.inputs[i]) : null),
      ints: (i, what) => {
        if (!present(i)) return invalid(`input ${i} (${what}) is required`);
        const h = this.hostOf(node.inputs[i]);
        if (!h) return refuse(`its ${what} (input ${i}, '${node.inputs[i]}') must be a constant known at import time`);
        if (h.dtype === 'float32' || h.dtype === 'bool') return invalid(`its ${what} (input ${i}) must be an integer tensor, got ${h.dtype}`);
        return Array.from(h.values);
      },
      op: (type: string, inputs: readonly Tensor[], attrs: AttrMap = {}) => makeOp(getOpDef(type), inputs, attrs, { graph }).outputs.slice(),
      constant: (values: ArrayLike<number>, dtype: DType, dims: readonly number[]) => makeConst(toNDArray(hostTensor(dtype, dims, values), where), 'Const', graph),
      refuse,
      invalid,
    };
    return ctx;
  }
}

