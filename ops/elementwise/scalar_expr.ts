import { InvalidArgumentError, isDType } from '../../graph/ir/index.js';
import type { DType } from '../../graph/ir/index.js';

/**
 * A tiny scalar language for elementwise ops. Each elementwise op describes its value at one
 * element as an expression over its inputs; the CPU runtime renders expressions to JS loops and the
 * WebGPU runtime to WGSL, and fusion composes them into one expression per fused region.
 * Arithmetic follows the dtype of its first operand (int32 arithmetic wraps and divides by
 * flooring, as TF's integer kernels do); comparisons and logic give bool.
 */
export type UnaryPrim =
  | 'neg' | 'abs' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'recip' | 'square'
  | 'floor' | 'ceil' | 'roundEven' | 'sign' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'erf' | 'not';

export type BinaryPrim =
  | 'add' | 'sub' | 'mul' | 'div' | 'floorDiv' | 'floorMod' | 'pow' | 'max' | 'min'
  | 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne' | 'and' | 'or';

export type ScalarExpr =
  | { readonly k: 'arg'; readonly i: number }
  | { readonly k: 'const'; readonly v: number; readonly dtype: DType | null }
  | { readonly k: 'un'; readonly f: UnaryPrim; readonly a: ScalarExpr }
  | { readonly k: 'bin'; readonly f: BinaryPrim; readonly a: ScalarExpr; readonly b: ScalarExpr }
  | { readonly k: 'select'; readonly c: ScalarExpr; readonly a: ScalarExpr; readonly b: ScalarExpr }
  | { readonly k: 'cast'; readonly to: DType; readonly a: ScalarExpr };

export const arg = (i: number): ScalarExpr => ({ k: 'arg', i });
/**
 * Literals end up as source text of generated kernels, so only a JS number (NaN, the infinities
 * and -0 included) and a known dtype pass: an attr value of any other type never reaches codegen,
 * and no value's own toString/valueOf is ever called.
 */
export function checkLiteral(v: unknown, dtype: unknown): void {
  if (typeof v !== 'number') throw new InvalidArgumentError(`Scalar expression literal must be a number, got ${v === null ? 'null' : typeof v}`);
  if (dtype !== null && !isDType(dtype)) throw new InvalidArgumentError(`Scalar expression literal has an unknown dtype (${typeof dtype})`);
}

/** A literal; with no dtype it takes the dtype of the expression it meets. */
export function lit(v: number, dtype: DType | null = null): ScalarExpr {
  checkLiteral(v, dtype);
  return { k: 'const', v, dtype };
}
export const un = (f: UnaryPrim, a: ScalarExpr): ScalarExpr => ({ k: 'un', f, a });
export const bin = (f: BinaryPrim, a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ k: 'bin', f, a, b });
export const select = (c: ScalarExpr, a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ k: 'select', c, a, b });
export const cast = (to: DType, a: ScalarExpr): ScalarExpr => ({ k: 'cast', to, a });

export const x0 = arg(0);
export const x1 = arg(1);
export const x2 = arg(2);

/** Replaces each `arg i` with `args[i]`: how fusion composes producers into consumers. */
export function substitute(e: ScalarExpr, args: readonly ScalarExpr[]): ScalarExpr {
  switch (e.k) {
    case 'arg': {
      const r = args[e.i];
      if (!r) throw new Error(`substitute: no expression for arg ${e.i}`);
      return r;
    }
    case 'const':
      return e;
    case 'un':
      return un(e.f, substitute(e.a, args));
    case 'bin':
      return bin(e.f, substitute(e.a, args), substitute(e.b, args));
    case 'select':
      return select(substitute(e.c, args), substitute(e.a, args), substitute(e.b, args));
    case 'cast':
      return cast(e.to, substitute(e.a, args));
  }
}

const BOOL_UNARY: ReadonlySet<UnaryPrim> = new Set(['not']);
const BOOL_BINARY: ReadonlySet<BinaryPrim> = new Set(['lt', 'le', 'gt', 'ge', 'eq', 'ne', 'and', 'or']);

/** The dtype an expression computes in, given its argument dtypes. */
export function exprDType(e: ScalarExpr, argTypes: readonly DType[], hint: DType = 'float32'): DType {
  switch (e.k) {
    case 'arg':
      return argTypes[e.i];
    case 'const':
      return e.dtype ?? hint;
    case 'un':
      return BOOL_UNARY.has(e.f) ? 'bool' : exprDType(e.a, argTypes, hint);
    case 'bin':
      if (BOOL_BINARY.has(e.f)) return 'bool';
      return e.a.k === 'const' && e.a.dtype === null ? exprDType(e.b, argTypes, hint) : exprDType(e.a, argTypes, hint);
    case 'select':
      return e.a.k === 'const' && e.a.dtype === null ? exprDType(e.b, argTypes, hint) : exprDType(e.a, argTypes, hint);
    case 'cast':
      return e.to;
  }
}

/** The argument indices an expression reads (added to `into`). */
export function exprArgs(e: ScalarExpr, into: Set<number> = new Set()): Set<number> {
  switch (e.k) {
    case 'arg':
      into.add(e.i);
      break;
    case 'const':
      break;
    case 'un':
    case 'cast':
      exprArgs(e.a, into);
      break;
    case 'bin':
      exprArgs(e.a, into);
      exprArgs(e.b, into);
      break;
    case 'select':
      exprArgs(e.c, into);
      exprArgs(e.a, into);
      exprArgs(e.b, into);
      break;
  }
  return into;
}

/** A canonical text form: the cache key for compiled kernels. Built only from the IR. */
export function exprKey(e: ScalarExpr): string {
  switch (e.k) {
    case 'arg':
      return `$${e.i}`;
    case 'const':
      checkLiteral(e.v, e.dtype);
      return `${Object.is(e.v, -0) ? '-0' : String(e.v)}${e.dtype ? ':' + e.dtype : ''}`;
    case 'un':
      return `${e.f}(${exprKey(e.a)})`;
    case 'bin':
      return `${e.f}(${exprKey(e.a)},${exprKey(e.b)})`;
    case 'select':
      return `sel(${exprKey(e.c)},${exprKey(e.a)},${exprKey(e.b)})`;
    case 'cast':
      return `cast<${e.to}>(${exprKey(e.a)})`;
  }
}
