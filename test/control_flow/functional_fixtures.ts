import type { FunctionDefObj, GraphDef, NodeDef } from '../../serialization/types.js';

/** GraphDef pieces for the functional control-flow tests, in the shape TF writes them. */
export const DT_FLOAT = 1;
export const DT_INT32 = 3;
export const DT_BOOL = 10;
export const utf8 = new TextEncoder();

export const arg = (name: string, type: number) => ({ name, type });

export function constNode(name: string, v: number, dtype = DT_FLOAT, input: string[] = []): NodeDef {
  const tensor = dtype === DT_FLOAT ? { dtype, tensor_shape: {}, float_val: [v] } : { dtype, tensor_shape: {}, int_val: [v] };
  return { name, op: 'Const', input, attr: { dtype: { type: dtype }, value: { tensor } } };
}

export function placeholder(name: string, dtype: number): NodeDef {
  return { name, op: 'Placeholder', attr: { dtype: { type: dtype }, shape: { shape: { unknown_rank: true } } } };
}

export function binary(name: string, op: string, a: string, b: string, t = DT_FLOAT): NodeDef {
  return { name, op, input: [a, b], attr: { T: { type: t } } };
}

export const fn = (name: string, ins: [string, number][], outs: [string, number][], body: NodeDef[], ret: Record<string, string>): FunctionDefObj => ({
  signature: { name, input_arg: ins.map(([n, t]) => arg(n, t)), output_arg: outs.map(([n, t]) => arg(n, t)) },
  node_def: body,
  ret,
});

export function ifNode(name: string, op: string, inputs: string[], thenF: string, elseF: string, tin: number[], tout: number[]): NodeDef {
  return {
    name,
    op,
    input: inputs,
    attr: {
      Tcond: { type: DT_BOOL },
      Tin: { list: { type: tin } },
      Tout: { list: { type: tout } },
      then_branch: { func: { name: thenF } },
      else_branch: { func: { name: elseF } },
      output_shapes: { list: {} },
    },
  };
}

export function whileNode(name: string, op: string, inputs: string[], cond: string, body: string, t: number[]): NodeDef {
  return { name, op, input: inputs, attr: { T: { list: { type: t } }, cond: { func: { name: cond } }, body: { func: { name: body } }, parallel_iterations: { i: 10 }, output_shapes: { list: {} } } };
}

/** then(x) = x * 2 (its constant lives in the branch); else(x) = CheckNumerics(log(x)): fails for x < 0 when it runs. */
export const THEN_DOUBLE = fn('then_double', [['x', DT_FLOAT]], [['y', DT_FLOAT]], [constNode('two', 2), binary('mul', 'Mul', 'x', 'two:output:0')], { y: 'mul:z:0' });
export const ELSE_LOG = fn('else_log', [['x', DT_FLOAT]], [['y', DT_FLOAT]], [
  { name: 'log', op: 'Log', input: ['x'], attr: { T: { type: DT_FLOAT } } },
  { name: 'check', op: 'CheckNumerics', input: ['log:y:0'], attr: { T: { type: DT_FLOAT }, message: { s: utf8.encode('else branch ran') } } },
], { y: 'check:output:0' });

/** Two inputs, two outputs: then(a, b) = (a + b, a), else(a, b) = (a - b, b). */
export const THEN_2 = fn('then_2', [['a', DT_FLOAT], ['b', DT_FLOAT]], [['s', DT_FLOAT], ['k', DT_FLOAT]], [binary('add', 'AddV2', 'a', 'b')], { s: 'add:z:0', k: 'a' });
export const ELSE_2 = fn('else_2', [['a', DT_FLOAT], ['b', DT_FLOAT]], [['s', DT_FLOAT], ['k', DT_FLOAT]], [binary('sub', 'Sub', 'a', 'b')], { s: 'sub:z:0', k: 'b' });

/** tf.while_loop(lambda i, s: i < 10, lambda i, s: (i + 1, s + i), [0, 0]) as functions. */
export const COND_LT10 = fn('cond_lt10', [['i', DT_INT32], ['s', DT_INT32]], [['c', DT_BOOL]], [constNode('ten', 10, DT_INT32), binary('less', 'Less', 'i', 'ten:output:0', DT_INT32)], { c: 'less:z:0' });
export const BODY_SUM = fn('body_sum', [['i', DT_INT32], ['s', DT_INT32]], [['i1', DT_INT32], ['s1', DT_INT32]], [constNode('one', 1, DT_INT32), binary('inc', 'AddV2', 'i', 'one:output:0', DT_INT32), binary('acc', 'AddV2', 's', 'i', DT_INT32)], { i1: 'inc:z:0', s1: 'acc:z:0' });

/** Three loop variables, the bound n fed: while i < n: s += i (no captures in functional loops). */
export const COND_LTN = fn('cond_ltn', [['i', DT_INT32], ['s', DT_INT32], ['n', DT_INT32]], [['c', DT_BOOL]], [binary('less', 'Less', 'i', 'n', DT_INT32)], { c: 'less:z:0' });
export const BODY_SUMN = fn('body_sumn', [['i', DT_INT32], ['s', DT_INT32], ['n', DT_INT32]], [['i1', DT_INT32], ['s1', DT_INT32], ['n1', DT_INT32]], [constNode('one', 1, DT_INT32), binary('inc', 'AddV2', 'i', 'one:output:0', DT_INT32), binary('acc', 'AddV2', 's', 'i', DT_INT32)], { i1: 'inc:z:0', s1: 'acc:z:0', n1: 'n' });

/** A body with an If inside: s += i while i < 5, s -= i after (0+1+2+3+4 - (5+6+7+8+9) = -25). */
export const ADD_IT = fn('add_it', [['s', DT_INT32], ['i', DT_INT32]], [['r', DT_INT32]], [binary('add', 'AddV2', 's', 'i', DT_INT32)], { r: 'add:z:0' });
export const SUB_IT = fn('sub_it', [['s', DT_INT32], ['i', DT_INT32]], [['r', DT_INT32]], [binary('sub', 'Sub', 's', 'i', DT_INT32)], { r: 'sub:z:0' });
export const BODY_NESTED = fn('body_nested', [['i', DT_INT32], ['s', DT_INT32]], [['i1', DT_INT32], ['s1', DT_INT32]], [
  constNode('five', 5, DT_INT32),
  binary('small', 'Less', 'i', 'five:output:0', DT_INT32),
  ifNode('branch', 'StatelessIf', ['small:z:0', 's', 'i'], 'add_it', 'sub_it', [DT_INT32, DT_INT32], [DT_INT32]),
  constNode('one', 1, DT_INT32),
  binary('inc', 'AddV2', 'i', 'one:output:0', DT_INT32),
], { i1: 'inc:z:0', s1: 'branch:output:0' });

export function graphOf(nodes: NodeDef[], functions: FunctionDefObj[]): GraphDef {
  return { node: nodes, library: { function: functions } };
}

