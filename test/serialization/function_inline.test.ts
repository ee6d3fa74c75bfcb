import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { encodeGraphDef } from '../../serialization/graph_def.js';
import { inlineFunctions } from '../../serialization/function_inline.js';
import type { FunctionDefObj, GraphDef, NodeDef } from '../../serialization/types.js';

const F = { type: 1 };
const utf8 = new TextEncoder();

function constNode(name: string, v: number): NodeDef {
  return { name, op: 'Const', attr: { dtype: F, value: { tensor: { dtype: 1, tensor_shape: {}, float_val: [v] } } } };
}

function call(name: string, f: string, inputs: string[], outs = 1, op = 'StatefulPartitionedCall'): NodeDef {
  return { name, op, input: inputs, attr: { f: { func: { name: f } }, Tin: { list: { type: inputs.filter((i) => !i.startsWith('^')).map(() => 1) } }, Tout: { list: { type: Array(outs).fill(1) } } } };
}

/** f(x, y) = (x * y, x + y), written as TF writes a FunctionDef body. */
const MUL_ADD: FunctionDefObj = {
  signature: { name: 'mul_add', input_arg: [{ name: 'x', type: 1 }, { name: 'y', type: 1 }], output_arg: [{ name: 'prod', type: 1 }, { name: 'sum', type: 1 }] },
  node_def: [
    { name: 'Mul', op: 'Mul', input: ['x', 'y'], attr: { T: F } },
    { name: 'Add', op: 'AddV2', input: ['x', 'y'], attr: { T: F } },
    { name: 'Identity', op: 'Identity', input: ['Mul:z:0'], attr: { T: F } },
  ],
  ret: { prod: 'Identity:output:0', sum: 'Add:z:0' },
};

/** g(x) = sum of mul_add(x, x) + 1: a nested call through the library. */
const OUTER: FunctionDefObj = {
  signature: { name: 'outer', input_arg: [{ name: 'x', type: 1 }], output_arg: [{ name: 'out', type: 1 }] },
  node_def: [
    call('inner', 'mul_add', ['x', 'x'], 2, 'PartitionedCall'),
    constNode('one', 1),
    { name: 'Add', op: 'AddV2', input: ['inner:output:1', 'one:output:0'], attr: { T: F } },
  ],
  ret: { out: 'Add:z:0' },
};

function graphWith(nodes: NodeDef[], functions: FunctionDefObj[]): GraphDef {
  return { node: nodes, library: { function: functions } };
}

async function run(def: GraphDef | Uint8Array, fetches: string[]): Promise<unknown[]> {
  const g = new tg.Graph();
  tg.importGraphDef(def, { graph: g });
  const out = (await new tg.Session({ graph: g }).run(fetches)) as tg.NDArray[];
  return out.map((o) => o.toArray());
}

function expectTyped(def: GraphDef, cls: new (...a: never[]) => Error, text: string): void {
  const g = new tg.Graph();
  expect(() => tg.importGraphDef(encodeGraphDef(def), { graph: g })).to.throw(cls, text);
  expect(g.getOperations()).to.deep.equal([]);
}

describe('serialization: function libraries (PartitionedCall / StatefulPartitionedCall inlined)', () => {
  it('a call runs its function: outputs by index, output 0 keeps the call name, output 1 moves to <call>/output_1', async () => {
    const def = graphWith([constNode('a', 3), constNode('b', 4), call('c', 'mul_add', ['a', 'b:0'], 2), { name: 'y', op: 'Identity', input: ['c:1'], attr: { T: F } }], [MUL_ADD]);
    expect(await run(encodeGraphDef(def), ['c:0', 'y:0', 'c/output_1:0'])).to.deep.equal([12, 7, 7]);
    const { graphDef, aliases } = inlineFunctions(def, 'test');
    expect([...aliases]).to.deep.equal([['c:1', 'c/output_1:0']]);
    expect(graphDef.node.map((n) => n.name)).to.include.members(['c/Mul', 'c/Add', 'c/Identity', 'c', 'c/output_1']);
    expect(graphDef.library).to.equal(undefined);
  });

  it("a body's list output sized by a list(type) attr (TF2's restore function: RestoreV2 'tensors:1') resolves to its flat index", () => {
    const S = { type: 7 };
    const restore: FunctionDefObj = {
      signature: { name: 'restore', input_arg: [{ name: 'prefix', type: 7 }], output_arg: [{ name: 'a', type: 1 }, { name: 'b', type: 1 }] },
      node_def: [
        { name: 'names', op: 'Const', attr: { dtype: S, value: { tensor: { dtype: 7, tensor_shape: { dim: [{ size: 2 }] }, string_val: [utf8.encode('a'), utf8.encode('b')] } } } },
        { name: 'slices', op: 'Const', attr: { dtype: S, value: { tensor: { dtype: 7, tensor_shape: { dim: [{ size: 2 }] }, string_val: [utf8.encode(''), utf8.encode('')] } } } },
        { name: 'r', op: 'RestoreV2', input: ['prefix', 'names:output:0', 'slices:output:0'], attr: { dtypes: { list: { type: [1, 1] } } } },
      ],
      ret: { a: 'r:tensors:0', b: 'r:tensors:1' },
    };
    const prefix: NodeDef = { name: 'p', op: 'Placeholder', attr: { dtype: S } };
    const c: NodeDef = { name: 'c', op: 'StatefulPartitionedCall', input: ['p'], attr: { f: { func: { name: 'restore' } }, Tin: { list: { type: [7] } }, Tout: { list: { type: [1, 1] } } } };
    const { graphDef } = inlineFunctions(graphWith([prefix, c], [restore]), 'test');
    const byName = new Map(graphDef.node.map((n) => [n.name, n] as const));
    expect(byName.get('c')?.input?.[0]).to.equal('c/r:0');
    expect(byName.get('c/output_1')?.input?.[0]).to.equal('c/r:1');
  });

  it('nested calls inline in turn, with the inner names under the outer call', async () => {
    const def = graphWith([constNode('a', 3), call('g', 'outer', ['a'])], [MUL_ADD, OUTER]);
    expect(await run(def, ['g:0'])).to.deep.equal([7]);
    const names = inlineFunctions(def, 'test').graphDef.node.map((n) => n.name);
    expect(names).to.include.members(['g/inner/Mul', 'g/inner/output_1', 'g/Add']);
  });

  it('control outputs: the call (and ^call) waits for the function side effects', async () => {
    const assign: FunctionDefObj = {
      signature: { name: 'bump', input_arg: [{ name: 'h', type: 20 }], output_arg: [] },
      node_def: [constNode('ten', 10), { name: 'upd', op: 'AssignAddVariableOp', input: ['h', 'ten:output:0'], attr: { dtype: F } }],
      control_ret: { upd: 'upd' },
    };
    const def = graphWith(
      [
        { name: 'v', op: 'VarHandleOp', attr: { dtype: F, shape: { shape: {} }, shared_name: { s: utf8.encode('v') } } },
        constNode('init_value', 1),
        { name: 'init', op: 'AssignVariableOp', input: ['v', 'init_value'], attr: { dtype: F } },
        call('bump_it', 'bump', ['v'], 0),
        { name: 'read', op: 'ReadVariableOp', input: ['v', '^bump_it'], attr: { dtype: F } },
      ],
      [assign],
    );
    const g = new tg.Graph();
    tg.importGraphDef(def, { graph: g });
    expect(g.getOperationByName('bump_it').type).to.equal('NoOp');
    const sess = new tg.Session({ graph: g });
    await sess.run('init');
    expect(((await sess.run('read:0')) as tg.NDArray).toArray()).to.equal(11);
    expect(((await sess.run('read:0')) as tg.NDArray).toArray()).to.equal(21);
  });

  it('hostile libraries give typed errors: missing, recursive, mutually recursive, bad references, arity, depth, blow-up', () => {
    const selfCall: FunctionDefObj = { signature: { name: 'loop', input_arg: [{ name: 'x', type: 1 }], output_arg: [{ name: 'o', type: 1 }] }, node_def: [call('again', 'loop', ['x'])], ret: { o: 'again:output:0' } };
    const ping: FunctionDefObj = { signature: { name: 'ping', input_arg: [{ name: 'x', type: 1 }], output_arg: [{ name: 'o', type: 1 }] }, node_def: [call('p', 'pong', ['x'])], ret: { o: 'p:output:0' } };
    const pong: FunctionDefObj = { signature: { name: 'pong', input_arg: [{ name: 'x', type: 1 }], output_arg: [{ name: 'o', type: 1 }] }, node_def: [call('p', 'ping', ['x'])], ret: { o: 'p:output:0' } };
    const a = constNode('a', 1);
    expectTyped(graphWith([a, call('c', 'nowhere', ['a'])], []), tg.errors.NotFoundError, "calls function 'nowhere', which is not in the graph's function library");
    expectTyped(graphWith([a, call('c', 'loop', ['a'])], [selfCall]), tg.errors.InvalidArgumentError, 'loop -> loop');
    expectTyped(graphWith([a, call('c', 'ping', ['a'])], [ping, pong]), tg.errors.InvalidArgumentError, 'ping -> pong -> ping');
    expectTyped(graphWith([a, { name: 'c', op: 'PartitionedCall', input: ['a'] }], []), tg.errors.InvalidArgumentError, "has no function attr 'f'");
    expectTyped(graphWith([a, call('c', 'mul_add', ['a'], 2)], [MUL_ADD]), tg.errors.InvalidArgumentError, "function 'mul_add' takes 2 inputs, the call gives 1");
    const badRef = { ...MUL_ADD, node_def: [{ name: 'Mul', op: 'Mul', input: ['x', 'nothing:z:0'], attr: { T: F } }] };
    expectTyped(graphWith([a, call('c', 'mul_add', ['a', 'a'], 2)], [badRef]), tg.errors.InvalidArgumentError, "refers to 'nothing:z:0', which is not an output of its body");
    const badArg = { ...MUL_ADD, node_def: [{ name: 'Mul', op: 'Mul', input: ['x', 'zz'], attr: { T: F } }] };
    expectTyped(graphWith([a, call('c', 'mul_add', ['a', 'a'], 2)], [badArg]), tg.errors.InvalidArgumentError, "refers to 'zz', which is not an argument");
    const badOut = { ...MUL_ADD, ret: { prod: 'Mul:nope:0', sum: 'Add:z:0' } };
    expectTyped(graphWith([a, call('c', 'mul_add', ['a', 'a'], 2)], [badOut]), tg.errors.InvalidArgumentError, "Mul 'Mul' has no output named 'nope'");
    const noRet = { ...MUL_ADD, ret: { prod: 'Mul:z:0' } };
    expectTyped(graphWith([a, call('c', 'mul_add', ['a', 'a'], 2)], [noRet]), tg.errors.InvalidArgumentError, "has no return value for its output 'sum'");
    expectTyped(graphWith([a, call('c', 'mul_add', ['a', 'a'], 2)], [MUL_ADD, MUL_ADD]), tg.errors.InvalidArgumentError, "function 'mul_add' is defined twice");
    // a chain of 100 distinct functions is refused at the depth limit, without a stack overflow
    const chain: FunctionDefObj[] = Array.from({ length: 100 }, (_v, i) => ({
      signature: { name: `f${i}`, input_arg: [{ name: 'x', type: 1 }], output_arg: [{ name: 'o', type: 1 }] },
      node_def: i === 99 ? [{ name: 'id', op: 'Identity', input: ['x'], attr: { T: F } }] : [call('c', `f${i + 1}`, ['x'])],
      ret: { o: i === 99 ? 'id:output:0' : 'c:output:0' },
    }));
    expectTyped(graphWith([a, call('c', 'f0', ['a'])], chain), tg.errors.ResourceExhaustedError, 'nested more than 64 deep');
    // each level calls the next twice: 2^40 nodes if expanded, refused at the node limit
    const doubling: FunctionDefObj[] = Array.from({ length: 40 }, (_v, i) => ({
      signature: { name: `d${i}`, input_arg: [{ name: 'x', type: 1 }], output_arg: [{ name: 'o', type: 1 }] },
      node_def: i === 39 ? [{ name: 'id', op: 'Identity', input: ['x'], attr: { T: F } }] : [call('l', `d${i + 1}`, ['x']), call('r', `d${i + 1}`, ['x']), { name: 's', op: 'AddV2', input: ['l:output:0', 'r:output:0'], attr: { T: F } }],
      ret: { o: i === 39 ? 'id:output:0' : 's:z:0' },
    }));
    expectTyped(graphWith([a, call('c', 'd0', ['a'])], doubling), tg.errors.ResourceExhaustedError, 'more than 200000 nodes');
  });

  it('a polymorphic function (attr placeholders) is refused as unimplemented', () => {
    const poly = { ...MUL_ADD, node_def: [{ name: 'Mul', op: 'Mul', input: ['x', 'y'], attr: { T: { placeholder: 'T' } } }, ...MUL_ADD.node_def!.slice(1)] };
    expectTyped(graphWith([constNode('a', 1), call('c', 'mul_add', ['a', 'a'], 2)], [poly]), tg.errors.UnimplementedError, "bound to the function's attr 'T'");
  });
});
