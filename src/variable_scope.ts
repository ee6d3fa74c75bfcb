import {
  AlreadyExistsError,
  DType,
  formatShape,
  getDefaultGraph,
  Graph,
  GraphKeys,
  InvalidArgumentError,
  isFullyDefined,
  NotFoundError,
  PartialShape,
  Tensor,
} from '../graph/ir/index.js';
import { Variable } from '../ops/state/variable.js';
import { glorotUniformInitializer, Initializer, zerosInitializer } from './initializers.js';

/** TF's tf.AUTO_REUSE: create variables that are missing, reuse those that exist. */
export const AUTO_REUSE = 'AUTO_REUSE' as const;
export type Reuse = boolean | typeof AUTO_REUSE;

export type Regularizer = (weights: Tensor) => Tensor | null;

export interface VariableScopeOptions {
  reuse?: Reuse;
  initializer?: Initializer;
  regularizer?: Regularizer;
  dtype?: DType;
}

interface ScopeFrame {
  name: string;
  reuse: Reuse;
  initializer?: Initializer;
  regularizer?: Regularizer;
  dtype?: DType;
}

interface GraphVarState {
  stack: ScopeFrame[];
  store: Map<string, Variable>;
}

const states = new WeakMap<Graph, GraphVarState>();

function stateOf(graph: Graph): GraphVarState {
  let s = states.get(graph);
  if (!s) {
    s = { stack: [{ name: '', reuse: false }], store: new Map() };
    states.set(graph, s);
  }
  return s;
}

/** The innermost variable scope of the default graph. */
export function getVariableScope(): { name: string; reuse: Reuse } {
  const st = stateOf(getDefaultGraph()).stack;
  const top = st[st.length - 1];
  return { name: top.name, reuse: top.reuse };
}

/**
 * TF1's variable_scope: variables from getVariable inside are named `scope/name`; a name scope of
 * the same name is opened too (uniqued when the scope is re-entered, as in TF). `reuse` is
 * inherited by nested scopes.
 */
export function variableScope<T>(name: string, optionsOrFn: VariableScopeOptions | (() => T), maybeFn?: () => T): T {
  const options: VariableScopeOptions = typeof optionsOrFn === 'function' ? {} : optionsOrFn;
  const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn;
  if (!fn) throw new InvalidArgumentError('variableScope needs a function to run inside the scope');
  if (!name) throw new InvalidArgumentError('variableScope needs a non-empty name');
  const graph = getDefaultGraph();
  const st = stateOf(graph);
  const parent = st.stack[st.stack.length - 1];
  const frame: ScopeFrame = {
    name: parent.name ? `${parent.name}/${name}` : name,
    reuse: parent.reuse === true ? true : options.reuse ?? parent.reuse,
    initializer: options.initializer ?? parent.initializer,
    regularizer: options.regularizer ?? parent.regularizer,
    dtype: options.dtype ?? parent.dtype,
  };
  st.stack.push(frame);
  try {
    return graph.nameScope(name, () => fn());
  } finally {
    st.stack.pop();
  }
}

export interface GetVariableOptions {
  shape?: PartialShape | readonly number[];
  dtype?: DType;
  initializer?: Initializer | Tensor | number;
  regularizer?: Regularizer;
  trainable?: boolean;
  collections?: readonly string[];
  /** TF's use_resource=True: a resource variable (VarHandleOp, ReadVariableOp) instead of a VariableV2. */
  useResource?: boolean;
}

/**
 * TF1's get_variable: creates `scope/name` or, under reuse, returns the existing one, with TF's
 * errors for a duplicate without reuse, a missing one under reuse, and a shape mismatch.
 */
export function getVariable(name: string, options: GetVariableOptions = {}): Variable {
  const graph = getDefaultGraph();
  const st = stateOf(graph);
  const scope = st.stack[st.stack.length - 1];
  const full = scope.name ? `${scope.name}/${name}` : name;
  const existing = st.store.get(full);
  if (existing) {
    if (scope.reuse === false) {
      throw new AlreadyExistsError(
        `Variable ${full} already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n${existing.op.traceback.map((f) => `  ${f}`).join('\n')}`,
      );
    }
    const want = options.shape ?? null;
    if (want !== null && existing.shape !== null && (want.length !== existing.shape.length || want.some((d, i) => d !== null && existing.shape![i] !== null && d !== existing.shape![i]))) {
      throw new InvalidArgumentError(`Trying to share variable ${full}, but specified shape ${formatShape(want as PartialShape)} and found shape ${formatShape(existing.shape)}.`);
    }
    if (options.dtype && options.dtype !== existing.dtype) {
      throw new InvalidArgumentError(`Trying to share variable ${full}, but specified dtype ${options.dtype} and found dtype ${existing.dtype}.`);
    }
    return existing;
  }
  if (scope.reuse === true) {
    throw new NotFoundError(`Variable ${full} does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?`);
  }
  const dtype = options.dtype ?? scope.dtype ?? 'float32';
  const init = options.initializer ?? scope.initializer ?? (dtype === 'float32' ? glorotUniformInitializer() : zerosInitializer());
  const shape = options.shape ?? null;
  if (typeof init === 'function' && !isFullyDefined(shape as PartialShape)) {
    throw new InvalidArgumentError(`Shape of a new variable (${full}) must be fully defined, but instead was ${formatShape(shape as PartialShape)}.`);
  }
  const collections = [...(options.collections ?? [GraphKeys.GLOBAL_VARIABLES])];
  const trainable = options.trainable ?? true;
  // variables are named by the variable scope alone, whatever name scope is open (TF1)
  const v = graph.nameScope(null, () => {
    const initial = typeof init === 'function' ? graph.nameScope(`${full}/Initializer/`, () => init(shape as number[], dtype)) : init;
    return new Variable(initial, { name: full + '/', dtype, trainable, collections, useResource: options.useResource });
  });
  st.store.set(full, v);
  const reg = options.regularizer ?? scope.regularizer;
  if (reg) {
    const loss = graph.nameScope(`${full}/Regularizer`, () => reg(v.value()));
    if (loss) graph.addToCollection(GraphKeys.REGULARIZATION_LOSSES, loss);
  }
  return v;
}
