import { Tensor } from '../graph/ir/tensor.js';
import type { DType } from '../graph/ir/dtype.js';
import type { TensorLike } from '../ops/builder.js';
import * as bin from '../ops/elementwise/math_binary.js';
import * as un from '../ops/elementwise/math_unary.js';
import * as cmp from '../ops/elementwise/compare.js';
import { cast } from '../ops/array/cast.js';
import { reshape } from '../ops/array/reshape.js';
import { reduceMax, reduceMean, reduceMin, reduceSum, AxisArg } from '../ops/reduce/reductions.js';
import { matMul, MatMulOptions } from '../ops/matmul/matmul.js';
import { transpose } from '../ops/array/transpose.js';

/**
 * The math methods every Tensor has once the public entry has loaded. The public entry re-exports
 * this type, which keeps this module (and so the augmentation below) in the published index.d.ts:
 * without that reference a consumer's compiler never sees `x.add(y)`.
 */
export interface TensorMethods {
  add(y: TensorLike, name?: string): Tensor;
  sub(y: TensorLike, name?: string): Tensor;
  mul(y: TensorLike, name?: string): Tensor;
  div(y: TensorLike, name?: string): Tensor;
  pow(y: TensorLike, name?: string): Tensor;
  maximum(y: TensorLike, name?: string): Tensor;
  minimum(y: TensorLike, name?: string): Tensor;
  neg(name?: string): Tensor;
  abs(name?: string): Tensor;
  exp(name?: string): Tensor;
  log(name?: string): Tensor;
  sqrt(name?: string): Tensor;
  square(name?: string): Tensor;
  relu(name?: string): Tensor;
  sigmoid(name?: string): Tensor;
  tanh(name?: string): Tensor;
  equal(y: TensorLike, name?: string): Tensor;
  less(y: TensorLike, name?: string): Tensor;
  greater(y: TensorLike, name?: string): Tensor;
  matMul(b: TensorLike, options?: MatMulOptions, name?: string): Tensor;
  reshape(shape: readonly number[] | TensorLike, name?: string): Tensor;
  transpose(perm?: readonly number[], name?: string): Tensor;
  cast(dtype: DType, name?: string): Tensor;
  sum(axis?: AxisArg, keepDims?: boolean, name?: string): Tensor;
  mean(axis?: AxisArg, keepDims?: boolean, name?: string): Tensor;
  max(axis?: AxisArg, keepDims?: boolean, name?: string): Tensor;
  min(axis?: AxisArg, keepDims?: boolean, name?: string): Tensor;
}

declare module '../graph/ir/tensor.js' {
  // a declaration merge: the methods are installed on the prototype by installTensorMethods
  interface Tensor extends TensorMethods {}
}

/**
 * Installs the math methods on Tensor (x.add(y), x.matMul(w), ...). Called once by the public
 * entry point: Tensor lives below the op library, so it cannot import the builders itself.
 */
export function installTensorMethods(): void {
  const p = Tensor.prototype;
  p.add = function (y, name) { return bin.add(this, y, name); };
  p.sub = function (y, name) { return bin.sub(this, y, name); };
  p.mul = function (y, name) { return bin.mul(this, y, name); };
  p.div = function (y, name) { return bin.div(this, y, name); };
  p.pow = function (y, name) { return bin.pow(this, y, name); };
  p.maximum = function (y, name) { return bin.maximum(this, y, name); };
  p.minimum = function (y, name) { return bin.minimum(this, y, name); };
  p.neg = function (name) { return un.neg(this, name); };
  p.abs = function (name) { return un.abs(this, name); };
  p.exp = function (name) { return un.exp(this, name); };
  p.log = function (name) { return un.log(this, name); };
  p.sqrt = function (name) { return un.sqrt(this, name); };
  p.square = function (name) { return un.square(this, name); };
  p.relu = function (name) { return un.relu(this, name); };
  p.sigmoid = function (name) { return un.sigmoid(this, name); };
  p.tanh = function (name) { return un.tanh(this, name); };
  p.equal = function (y, name) { return cmp.equal(this, y, name); };
  p.less = function (y, name) { return cmp.less(this, y, name); };
  p.greater = function (y, name) { return cmp.greater(this, y, name); };
  p.matMul = function (b, options, name) { return matMul(this, b, options, name); };
  p.reshape = function (shape, name) { return reshape(this, shape, name); };
  p.transpose = function (perm, name) { return transpose(this, perm, name); };
  p.cast = function (dtype, name) { return cast(this, dtype, name); };
  p.sum = function (axis, keepDims, name) { return reduceSum(this, axis, keepDims, name); };
  p.mean = function (axis, keepDims, name) { return reduceMean(this, axis, keepDims, name); };
  p.max = function (axis, keepDims, name) { return reduceMax(this, axis, keepDims, name); };
  p.min = function (axis, keepDims, name) { return reduceMin(this, axis, keepDims, name); };
}
