import { expect } from 'chai';
import type { AttrMap } from '../../graph/ir/index.js';
import type { RoutineName } from '../../ops/lowering.js';
import { defineOp, type GradTable, type OnnxTable, type OpDef, type TypesOf } from '../../ops/op_def.js';
import { attachOnnx, refused } from '../../ops/onnx_mapping.js';
import { attachGrads } from '../../ops/grad_attach.js';
import { LOSS_ONNX } from '../../ops/loss/onnx.js';
import { getOpDef, registeredOpTypes, type OpType } from '../../ops/registry.js';
import { tfOpDef } from '../../ops/tf_op_defs.js';
import { MATMUL_OPS } from '../../ops/matmul/index.js';
import type { MATH_UNARY_OPS } from '../../ops/elementwise/math_unary.js';

/*
 * Type tests: this file is compiled by the build, and each `@ts-expect-error` line must fail to
 * compile (an unused `@ts-expect-error` is itself a build error). So if a table stopped being
 * checked by the compiler, `npm run build` (and with it `npm test`) would fail.
 */

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T | undefined => undefined;

// The union is made of literals (a def that lost its literal would widen it to `string`).
assertType<Equal<string extends OpType ? true : false, false>>();
assertType<Equal<TypesOf<typeof MATMUL_OPS>, 'MatMul' | 'BatchMatMulV2'>>();
// Every routine an op lowers to is an op type.
assertType<Equal<RoutineName extends OpType ? true : false, true>>();

// A family's ONNX table needs exactly its family's types:
// @ts-expect-error -- BatchMatMulV2 has no entry
export const missingOnnx: OnnxTable<TypesOf<typeof MATMUL_OPS>> = { MatMul: refused('test') };
export const extraOnnx: OnnxTable<TypesOf<typeof MATMUL_OPS>> = {
  MatMul: refused('test'),
  BatchMatMulV2: refused('test'),
  // @ts-expect-error -- MatMull is not an op of the family
  MatMull: refused('test'),
};

// The registry attaches each family's own tables (attachGrads keeps the family's types for attachOnnx).
export const wrongFamily = (): readonly OpDef[] =>
  // @ts-expect-error -- the loss family's ONNX table does not fit the matmul ops
  attachOnnx(attachGrads(MATMUL_OPS, {}), LOSS_ONNX);

// A gradient table may leave an op to its definition, but names only its family's types.
export const misspelledGrad: GradTable<TypesOf<typeof MATH_UNARY_OPS>> = {
  Neg: 'none',
  // @ts-expect-error -- 'Sqr' is not a unary math op
  Sqr: 'none',
};

// A literal op type given to getOpDef must be registered; a string read from a file is checked at run time.
export const misspelledLookup = (): OpDef =>
  // @ts-expect-error -- 'Cnst' is not an op type
  getOpDef('Cnst');
export const fromFile = (nodeOp: string): OpDef => getOpDef(nodeOp);

// defineOp keeps the type literal, with and without typed attrs.
const Plain = defineOp({ type: 'TestPlain', infer: () => [], lowering: { kind: 'none', reason: 'test' }, grad: 'none' });
const Typed = defineOp<{ n: number }>()({ type: 'TestTyped', infer: (_i, a) => (a.n > 0 ? [] : []), lowering: { kind: 'none', reason: 'test' }, grad: 'none' });
assertType<Equal<typeof Plain, OpDef<AttrMap, 'TestPlain'>>>();
assertType<Equal<typeof Typed, OpDef<AttrMap, 'TestTyped'>>>();

describe('layering: op types are a literal union checked by the compiler', () => {
  it('a registered type resolves; an unregistered string from a file is refused at run time', () => {
    expect(getOpDef('MatMul').type).to.equal('MatMul');
    expect(() => fromFile('Cnst')).to.throw("Op type not registered 'Cnst'");
  });

  it("every registered op has TF's definition (the table is keyed over OpType)", () => {
    const missing = registeredOpTypes().filter((t) => tfOpDef(t) === undefined);
    expect(missing).to.deep.equal([]);
    expect(registeredOpTypes()).to.include.members(['MatMul', 'Conv2D', 'ApplyAdam']);
  });
});
