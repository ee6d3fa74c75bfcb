import { NotFoundError } from '../graph/ir/index.js';
import type { OpDef, TypesOf } from './op_def.js';
import { MATH_UNARY_OPS } from './elementwise/math_unary.js';
import { MATH_BINARY_OPS } from './elementwise/math_binary.js';
import { COMPARE_OPS } from './elementwise/compare.js';
import { REDUCE_OPS } from './reduce/index.js';
import { ARRAY_OPS } from './array/index.js';
import { STATE_OPS } from './state/variable_ops.js';
import { CONTROL_OPS } from './control/index.js';
import { LEAF_OPS } from './leaves/index.js';
import { OPTIMIZER_OPS } from './optimizer/index.js';
import { RANDOM_OPS } from './random/index.js';
import { MATMUL_OPS } from './matmul/index.js';
import { ACTIVATION_OPS } from './activation/index.js';
import { LOSS_OPS } from './loss/index.js';
import { NORMALIZATION_OPS } from './normalization/index.js';
import { NN_CONV_OPS, NN_TOP_K_OPS } from './nn/index.js';
import { TOP_K_GRADS } from './nn/top_k_grad.js';
import { SUMMARY_OPS } from './summary/index.js';
import { STRING_OPS } from './strings/index.js';
import { SAVER_OPS } from './io/index.js';
import { attachOnnx } from './onnx_mapping.js';
import { attachGrads, checkGrads } from './grad_attach.js';
import { MATH_UNARY_GRADS } from './elementwise/math_unary_grad.js';
import { MATH_BINARY_GRADS } from './elementwise/math_binary_grad.js';
import { COMPARE_GRADS } from './elementwise/compare_grad.js';
import { REDUCE_GRADS } from './reduce/grads.js';
import { ARRAY_GRADS } from './array/grads.js';
import { ACTIVATION_GRADS } from './activation/grads.js';
import { NN_CONV_GRADS } from './nn/grads.js';
import { MATMUL_GRADS } from './matmul/grads.js';
import { LOSS_GRADS } from './loss/grads.js';
import { CONTROL_FLOW_GRADS } from './control/control_flow_grad.js';
import { RESOURCE_GRADS } from './state/resource_grad.js';
import { COMPARE_ONNX, MATH_BINARY_ONNX, MATH_UNARY_ONNX } from './elementwise/onnx.js';
import { LEAF_ONNX } from './leaves/onnx.js';
import { CONTROL_ONNX } from './control/onnx.js';
import { REDUCE_ONNX } from './reduce/onnx.js';
import { ARRAY_ONNX } from './array/onnx.js';
import { MATMUL_ONNX } from './matmul/onnx.js';
import { NN_CONV_ONNX, NN_TOP_K_ONNX } from './nn/onnx.js';
import { RANDOM_ONNX } from './random/onnx.js';
import { STATE_ONNX } from './state/onnx.js';
import { OPTIMIZER_ONNX } from './optimizer/onnx.js';
import { ACTIVATION_ONNX } from './activation/onnx.js';
import { LOSS_ONNX } from './loss/onnx.js';
import { NORMALIZATION_ONNX } from './normalization/onnx.js';
import { SUMMARY_ONNX } from './summary/onnx.js';
import { STRING_ONNX } from './strings/onnx.js';
import { IO_ONNX } from './io/onnx.js';

/**
 * Every op type the engine knows, as a literal union derived from the family lists below: the
 * tables outside OpDef (ONNX mappings, gradient tables, TF's op defs) are mapped types over it or
 * over their family's part of it, so a missing or misspelled entry is a compile error.
 */
export type OpType =
  | TypesOf<typeof LEAF_OPS>
  | TypesOf<typeof CONTROL_OPS>
  | TypesOf<typeof MATH_UNARY_OPS>
  | TypesOf<typeof MATH_BINARY_OPS>
  | TypesOf<typeof COMPARE_OPS>
  | TypesOf<typeof REDUCE_OPS>
  | TypesOf<typeof ARRAY_OPS>
  | TypesOf<typeof MATMUL_OPS>
  | TypesOf<typeof NN_CONV_OPS>
  | TypesOf<typeof NN_TOP_K_OPS>
  | TypesOf<typeof RANDOM_OPS>
  | TypesOf<typeof STATE_OPS>
  | TypesOf<typeof OPTIMIZER_OPS>
  | TypesOf<typeof ACTIVATION_OPS>
  | TypesOf<typeof LOSS_OPS>
  | TypesOf<typeof NORMALIZATION_OPS>
  | TypesOf<typeof SUMMARY_OPS>
  | TypesOf<typeof STRING_OPS>
  | TypesOf<typeof SAVER_OPS>;

/**
 * Every op the engine knows, listed explicitly by family (no discovery by file name, so bundlers
 * keep them all). Each entry is an OpDef, whose type requires inference and a lowering: an op
 * missing one does not compile. Gradients written apart from their definitions (the families'
 * `*_grad.ts` tables, so that no op file imports the builders its gradient uses) and each family's
 * ONNX table (its `onnx.ts`) are attached here: both tables are mapped types over the family's op
 * types, so a misspelled key, or an op without an ONNX mapping or refusal, does not compile. The
 * load fails for an op without a gradient decision (it may sit in the table or the definition).
 */
export const ALL_OPS: readonly OpDef[] = [
  ...attachOnnx(LEAF_OPS, LEAF_ONNX),
  ...attachOnnx(attachGrads(CONTROL_OPS, CONTROL_FLOW_GRADS), CONTROL_ONNX),
  ...attachOnnx(attachGrads(MATH_UNARY_OPS, MATH_UNARY_GRADS), MATH_UNARY_ONNX),
  ...attachOnnx(attachGrads(MATH_BINARY_OPS, MATH_BINARY_GRADS), MATH_BINARY_ONNX),
  ...attachOnnx(attachGrads(COMPARE_OPS, COMPARE_GRADS), COMPARE_ONNX),
  ...attachOnnx(attachGrads(REDUCE_OPS, REDUCE_GRADS), REDUCE_ONNX),
  ...attachOnnx(attachGrads(ARRAY_OPS, ARRAY_GRADS), ARRAY_ONNX),
  ...attachOnnx(attachGrads(MATMUL_OPS, MATMUL_GRADS), MATMUL_ONNX),
  ...attachOnnx(attachGrads(NN_CONV_OPS, NN_CONV_GRADS), NN_CONV_ONNX),
  ...attachOnnx(attachGrads(NN_TOP_K_OPS, TOP_K_GRADS), NN_TOP_K_ONNX),
  ...attachOnnx(RANDOM_OPS, RANDOM_ONNX),
  ...attachOnnx(attachGrads(STATE_OPS, RESOURCE_GRADS), STATE_ONNX),
  ...attachOnnx(OPTIMIZER_OPS, OPTIMIZER_ONNX),
  ...attachOnnx(attachGrads(ACTIVATION_OPS, ACTIVATION_GRADS), ACTIVATION_ONNX),
  ...attachOnnx(attachGrads(LOSS_OPS, LOSS_GRADS), LOSS_ONNX),
  ...attachOnnx(NORMALIZATION_OPS, NORMALIZATION_ONNX),
  ...attachOnnx(SUMMARY_OPS, SUMMARY_ONNX),
  ...attachOnnx(STRING_OPS, STRING_ONNX),
  ...attachOnnx(SAVER_OPS, IO_ONNX),
];

checkGrads(ALL_OPS);

const byType = new Map<string, OpDef>();
for (const def of ALL_OPS) {
  if (byType.has(def.type)) throw new Error(`Op type '${def.type}' is registered twice`);
  byType.set(def.type, def);
}

/** Whether `type` names a registered op (narrows a string read from a file to OpType). */
export function hasOpDef(type: string): type is OpType {
  return byType.has(type);
}

/**
 * A string literal must be a registered op type (the compiler checks it: `getOpDef('Cnst')` does
 * not compile); a `string` (a NodeDef's `op`, read from a file) is checked at run time.
 */
export type OpTypeArg<T extends string> = T & (string extends T ? unknown : T extends OpType ? unknown : { readonly notARegisteredOpType: T });

/** The definition of an op type, or TF's error for an unregistered one. */
export function getOpDef<T extends string>(type: OpTypeArg<T>): OpDef {
  const def = byType.get(type);
  if (!def) throw new NotFoundError(`Op type not registered '${type}' in binary.`);
  return def;
}

export function registeredOpTypes(): OpType[] {
  return ([...byType.keys()] as OpType[]).sort();
}
