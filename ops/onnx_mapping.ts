import { NDArray } from '../graph/ir/index.js';
import type { DType } from '../graph/ir/index.js';
import type { OnnxAttr, OnnxExportContext, OnnxFacet, OnnxOpView, OnnxTable, OpDef, TypesOf } from './op_def.js';

/**
 * Small builders the families' ONNX tables share, so most entries are one line: attribute
 * makers, one-node mappings, refusals, constant operands and NHWC <-> NCHW transposes.
 */

export const int = (i: number): OnnxAttr => ({ i });
export const float = (f: number): OnnxAttr => ({ f });
export const ints = (v: readonly number[]): OnnxAttr => ({ ints: v });
export const str = (s: string): OnnxAttr => ({ s });

type Attrs = Readonly<Record<string, OnnxAttr>>;

/** A mapping written as a function. */
export function onnx(fn: (ctx: OnnxExportContext, op: OnnxOpView) => void): OnnxFacet {
  return { kind: 'onnx', export: fn };
}

/** One ONNX node with the op's inputs and outputs, in order. */
export function same(onnxType: string, attrs?: (op: OnnxOpView) => Attrs): OnnxFacet {
  return onnx((ctx, op) => {
    ctx.node(onnxType, op.inputs.map((v) => v.name), attrs?.(op), op.outputs.map((v) => v.name));
  });
}

/** The op cannot appear in an exported inference graph; `reason` says why. */
export function refused(reason: string): OnnxFacet {
  return { kind: 'onnx-refused', reason };
}

export const GRADIENT_ONLY = refused('it is a gradient op, found only in training graphs (export the forward graph)');

/** The constant value of input `i`, or a refusal naming the operand. */
export function constInput(ctx: OnnxExportContext, op: OnnxOpView, i: number, what: string): number[] {
  const v = op.inputs[i].value;
  if (!v) ctx.refuse(`its ${what} operand (input ${i}, '${op.inputs[i].name}') must be a constant`);
  return Array.from(v.data as ArrayLike<number>);
}

/** Input `i` as an ONNX int64 tensor: an initializer when constant, else a Cast. */
export function int64Input(ctx: OnnxExportContext, op: OnnxOpView, i: number): string {
  const v = op.inputs[i];
  if (v.value) return ctx.constant(new NDArray('int64', v.value.shape, Int32Array.from(v.value.data as ArrayLike<number>)));
  return ctx.cast(v.name, v.dtype, 'int64');
}

/** A scalar constant of `dtype`. */
export function scalar(ctx: OnnxExportContext, value: number, dtype: DType): string {
  return ctx.constant(NDArray.scalar(value, dtype));
}

/** The static rank of input `i`, or a refusal. */
export function rankOf(ctx: OnnxExportContext, op: OnnxOpView, i: number): number {
  const s = op.inputs[i].shape;
  if (s === null) ctx.refuse(`the rank of input ${i} ('${op.inputs[i].name}') must be known`);
  return s.length;
}

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

export function transpose(ctx: OnnxExportContext, name: string, perm: readonly number[], out?: string): string {
  return ctx.node('Transpose', [name], { perm: ints(perm) }, out ? [out] : 1)[0];
}

/**
 * Runs `body` on an NCHW view of NHWC input `x` and writes its NCHW result back as NHWC `out`
 * (the transposes that `cancel_transposes` removes between consecutive layers).
 */
export function inNCHW(ctx: OnnxExportContext, nhwc: boolean, x: string, out: string, body: (x: string) => string): void {
  if (!nhwc) {
    ctx.node('Identity', [body(x)], undefined, [out]);
    return;
  }
  transpose(ctx, body(transpose(ctx, x, NHWC_TO_NCHW)), NCHW_TO_NHWC, out);
}

/**
 * Attaches each op's ONNX facet from its family's table. The table is a mapped type over the
 * family's op types, so an op without an entry, or an entry naming no op of the family, does not
 * compile (no load-time check needed).
 */
export function attachOnnx<const L extends readonly OpDef[]>(defs: L, table: OnnxTable<TypesOf<L>>): OpDef[] {
  const byType: Readonly<Record<string, OnnxFacet>> = table;
  return defs.map((d) => ({ ...d, onnx: byType[d.type] }));
}
