/** The op types whose output is a ref variable's storage (TF1; a ref input must come from one). */
export const REF_VARIABLE_TYPES: ReadonlySet<string> = new Set(['VariableV2', 'Variable']);

/** Op types whose output names a variable in the session's store: a TF1 ref or a resource handle. */
export const VARIABLE_OP_TYPES: ReadonlySet<string> = new Set([...REF_VARIABLE_TYPES, 'VarHandleOp']);

interface NodeLike<N> {
  readonly type: string;
  readonly inputs: readonly { readonly node: N }[];
  readonly outputs: readonly { readonly dtype: string }[];
}

/**
 * The variable node behind a ref or handle input: the producer itself, or, for a resource handle
 * passed through Identity nodes (an inlined function's argument, `tf.identity(v.handle)`), the
 * VarHandleOp at the end of that chain. Null when the input is not a variable.
 */
export function variableSource<N extends NodeLike<N>>(producer: N): N | null {
  let n = producer;
  // a chain longer than the graph is a cycle, which the verifier reports; stop rather than loop
  for (let hops = 0; hops < 10_000; hops++) {
    if (VARIABLE_OP_TYPES.has(n.type)) return n;
    // only handles pass through Identity: an Identity of a TF1 ref is a value (W/read), not a ref
    if (n.type !== 'Identity' || n.inputs.length !== 1 || n.outputs[0]?.dtype !== 'resource') return null;
    n = n.inputs[0].node;
  }
  return null;
}
