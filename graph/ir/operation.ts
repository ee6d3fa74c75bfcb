import type { AttrMap, AttrValue } from './attrs.js';
import type { Graph } from './graph.js';
import type { Tensor } from './tensor.js';

/** A node of the graph: a TF raw-op type with typed attrs, data inputs and control inputs. */
export class Operation {
  readonly graph: Graph;
  readonly name: string;
  readonly type: string;
  readonly inputs: readonly Tensor[];
  readonly attrs: AttrMap;
  readonly device: string;
  /** User stack frames at creation, quoted by errors about this op. */
  readonly traceback: readonly string[];
  private _outputs: Tensor[] = [];
  private _controlInputs: Operation[];

  constructor(init: {
    graph: Graph;
    name: string;
    type: string;
    inputs: readonly Tensor[];
    controlInputs: readonly Operation[];
    attrs: AttrMap;
    device: string;
    traceback: readonly string[];
  }) {
    this.graph = init.graph;
    this.name = init.name;
    this.type = init.type;
    this.inputs = [...init.inputs];
    this._controlInputs = [...init.controlInputs];
    this.attrs = Object.freeze({ ...init.attrs });
    this.device = init.device;
    this.traceback = init.traceback;
  }

  get outputs(): readonly Tensor[] {
    return this._outputs;
  }

  get controlInputs(): readonly Operation[] {
    return this._controlInputs;
  }

  /** Output `i` (TF's op.outputs[i]). */
  output(i = 0): Tensor {
    const t = this._outputs[i];
    if (!t) throw new RangeError(`Operation '${this.name}' has ${this._outputs.length} outputs; there is no output ${i}`);
    return t;
  }

  getAttr<T extends AttrValue = AttrValue>(name: string): T {
    if (!(name in this.attrs)) throw new RangeError(`Operation '${this.name}' (${this.type}) has no attr '${name}'`);
    return this.attrs[name] as T;
  }

  /** Adds control inputs after creation (TF's op._add_control_inputs); bumps the graph version. */
  addControlInputs(ops: readonly Operation[]): void {
    for (const op of ops) {
      if (op.graph !== this.graph) throw new Error(`Control input '${op.name}' is from a different graph than '${this.name}'`);
      if (!this._controlInputs.includes(op)) this._controlInputs.push(op);
    }
    this.graph.touch();
  }

  /**
   * Rewires data input `i` (TF's op._update_input), for a while loop's back edge: the Merge is
   * built before the NextIteration that feeds it. Goes through Graph.updateInput, which keeps the
   * consumer lists and the version right.
   */
  setInput(i: number, t: Tensor): void {
    (this.inputs as Tensor[])[i] = t;
  }

  /** Used once by the graph when it creates the outputs. */
  setOutputs(outputs: Tensor[]): void {
    if (this._outputs.length > 0) throw new Error(`Outputs of '${this.name}' are already set`);
    this._outputs = outputs;
  }

  toString(): string {
    return `Operation("${this.name}", type=${this.type})`;
  }
}
