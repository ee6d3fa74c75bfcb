import { InvalidArgumentError, isDType } from '../../graph/ir/index.js';
import type { DType } from '../../graph/ir/index.js';
import type { BinaryPrim, ScalarExpr, UnaryPrim } from '../../ops/elementwise/scalar_expr.js';
import { expf, sigmoidf } from './wasm/f32_math.js';
import { erff } from './wasm/f32_erf.js';
import { expm1f, log1pf } from './wasm/f32_log1p_expm1.js';
import { logf, tanhf } from './wasm/f32_tanh_log.js';

/**
 * Renders a scalar expression to JS statements. Values are JS numbers; int32 results are wrapped
 * with `|0` (Math.imul for products) so integer arithmetic matches TF's 32-bit kernels; bools are
 * 0/1. Only the expression IR reaches the output: no names or user strings. The IR is checked as
 * it is rendered, so a malformed node (from a bug or a hostile attr that slipped past op creation)
 * is an error, never source text: literals must be JS numbers, dtypes and operators come from fixed
 * tables, argument indices must be in range.
 */
export interface Rendered {
  lines: string[];
  result: string;
  dtype: DType;
}

const isInt = (d: DType): boolean => d === 'int32' || d === 'int64';

const refuse = (what: string): never => {
  throw new InvalidArgumentError(`Elementwise kernel codegen: ${what}`);
};

function checkDType(d: unknown): DType {
  return isDType(d) ? d : refuse(`unknown dtype (${typeof d})`);
}

/**
 * A JS number as a numeric literal; NaN, the infinities and -0 spelled deliberately. Every negative
 * spelling is parenthesised, so `a-${lit}` can never read as `a--Infinity` or `a--0`. Int and bool
 * literals are converted first (an int32 kernel never sees Infinity or -0).
 */
function literal(v: unknown, d: DType): string {
  if (typeof v !== 'number') return refuse(`a literal must be a number, got ${v === null ? 'null' : typeof v}`);
  const n = isInt(d) ? Math.trunc(v) | 0 : d === 'bool' ? (v !== 0 ? 1 : 0) : v;
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '(-Infinity)';
  if (Object.is(n, -0)) return '(-0)';
  // String() of a finite number is digits, '.', 'e' and signs only
  return n < 0 ? `(${String(n)})` : String(n);
}

/**
 * How float32 exp, sigmoid, tanh, log, erf, log1p and expm1 are computed: 'double' (Math, rounded
 * once) with the JS kernels; 'f32' (the float32 formulas the wasm SIMD kernels use: f32_math.ts,
 * f32_tanh_log.ts, f32_erf.ts, f32_log1p_expm1.ts) when those run, so every elementwise loop of a
 * backend, fused or not, wasm or JS, gives the same values.
 */
export type Transcendentals = 'double' | 'f32';

function unary(f: UnaryPrim, a: string, d: DType, tr: Transcendentals): string {
  const int = isInt(d);
  const f32 = tr === 'f32' && d === 'float32';
  switch (f) {
    case 'neg': return int ? `((-${a})|0)` : `(-${a})`;
    case 'abs': return int ? `(Math.abs(${a})|0)` : `Math.abs(${a})`;
    case 'exp': return f32 ? `H.expf(${a})` : `Math.exp(${a})`;
    case 'expm1': return f32 ? `H.expm1f(${a})` : `Math.expm1(${a})`;
    case 'log': return f32 ? `H.logf(${a})` : `Math.log(${a})`;
    case 'log1p': return f32 ? `H.log1pf(${a})` : `Math.log1p(${a})`;
    case 'sqrt': return `Math.sqrt(${a})`;
    case 'rsqrt': return `(1/Math.sqrt(${a}))`;
    case 'recip': return `(1/${a})`;
    case 'square': return int ? `Math.imul(${a},${a})` : `(${a}*${a})`;
    case 'floor': return `Math.floor(${a})`;
    case 'ceil': return `Math.ceil(${a})`;
    case 'roundEven': return int ? a : `H.roundEven(${a})`;
    case 'sign': return `Math.sign(${a})`;
    case 'sin': return `Math.sin(${a})`;
    case 'cos': return `Math.cos(${a})`;
    case 'tanh': return f32 ? `H.tanhf(${a})` : `H.tanh(${a})`;
    case 'sigmoid': return f32 ? `H.sigmoidf(${a})` : `H.sigmoid(${a})`;
    case 'erf': return f32 ? `H.erff(${a})` : `H.erf(${a})`;
    case 'not': return `(${a}^1)`;
    default: return refuse(`unknown unary operator (${typeof f})`);
  }
}

function binary(f: BinaryPrim, a: string, b: string, d: DType): string {
  const int = isInt(d);
  switch (f) {
    case 'add': return int ? `((${a}+${b})|0)` : `(${a}+${b})`;
    case 'sub': return int ? `((${a}-${b})|0)` : `(${a}-${b})`;
    case 'mul': return int ? `Math.imul(${a},${b})` : `(${a}*${b})`;
    case 'div': return int ? `H.floorDivInt(${a},${b})` : `(${a}/${b})`;
    case 'floorDiv': return int ? `H.floorDivInt(${a},${b})` : `Math.floor(${a}/${b})`;
    case 'floorMod': return int ? `H.floorModInt(${a},${b})` : `H.floorMod(${a},${b})`;
    case 'pow': return int ? `(Math.pow(${a},${b})|0)` : `Math.pow(${a},${b})`;
    case 'max': return `H.max(${a},${b})`;
    case 'min': return `H.min(${a},${b})`;
    case 'lt': return `(${a}<${b}?1:0)`;
    case 'le': return `(${a}<=${b}?1:0)`;
    case 'gt': return `(${a}>${b}?1:0)`;
    case 'ge': return `(${a}>=${b}?1:0)`;
    case 'eq': return `(${a}===${b}?1:0)`;
    case 'ne': return `(${a}!==${b}?1:0)`;
    case 'and': return `(${a}&${b})`;
    case 'or': return `(${a}|${b})`;
    default: return refuse(`unknown binary operator (${typeof f})`);
  }
}

const BOOL_BINARY = new Set<BinaryPrim>(['lt', 'le', 'gt', 'ge', 'eq', 'ne', 'and', 'or']);

function castTo(to: DType, a: string, from: DType): string {
  if (to === from) return a;
  if (to === 'bool') return `(${a}!==0?1:0)`;
  if (isInt(to)) return isInt(from) || from === 'bool' ? a : `(${a}|0)`;
  return a;
}

/** Renders `root` with argument i read from `argNames[i]`. Shared sub-expressions render once. */
export function renderJs(root: ScalarExpr, argTypes: readonly DType[], argNames: readonly string[], tr: Transcendentals = 'double'): Rendered {
  const lines: string[] = [];
  const memo = new Map<ScalarExpr, { code: string; dtype: DType }>();
  let tmp = 0;
  const emit = (code: string, dtype: DType): { code: string; dtype: DType } => {
    const name = `t${tmp++}`;
    lines.push(`const ${name}=${code};`);
    return { code: name, dtype };
  };
  const walk = (e: ScalarExpr, hint: DType): { code: string; dtype: DType } => {
    const hit = memo.get(e);
    if (hit) return hit;
    let r: { code: string; dtype: DType };
    switch (e.k) {
      case 'arg':
        if (!Number.isInteger(e.i) || e.i < 0 || e.i >= argNames.length) refuse(`argument index out of range`);
        r = { code: argNames[e.i], dtype: checkDType(argTypes[e.i]) };
        break;
      case 'const': {
        const d = checkDType(e.dtype ?? hint);
        r = { code: literal(e.v, d), dtype: d };
        break;
      }
      case 'un': {
        const a = walk(e.a, hint);
        const d = e.f === 'not' ? 'bool' : a.dtype;
        r = emit(unary(e.f, a.code, a.dtype, tr === 'f32' ? 'f32' : 'double'), d);
        break;
      }
      case 'bin': {
        // an untyped literal takes the dtype of the other side
        const first = e.a.k === 'const' && e.a.dtype === null ? walk(e.b, hint) : walk(e.a, hint);
        const a = e.a.k === 'const' && e.a.dtype === null ? walk(e.a, first.dtype) : first;
        const b = e.a.k === 'const' && e.a.dtype === null ? first : walk(e.b, a.dtype);
        r = emit(binary(e.f, a.code, b.code, a.dtype), BOOL_BINARY.has(e.f) ? 'bool' : a.dtype);
        break;
      }
      case 'select': {
        const c = walk(e.c, 'bool');
        const firstIsLit = e.a.k === 'const' && e.a.dtype === null;
        const known = firstIsLit ? walk(e.b, hint) : walk(e.a, hint);
        const a = firstIsLit ? walk(e.a, known.dtype) : known;
        const b = firstIsLit ? known : walk(e.b, a.dtype);
        r = emit(`(${c.code}!==0?${a.code}:${b.code})`, a.dtype);
        break;
      }
      case 'cast': {
        const a = walk(e.a, hint);
        const to = checkDType(e.to);
        r = emit(castTo(to, a.code, a.dtype), to);
        break;
      }
      default:
        return refuse(`unknown expression node (${typeof (e as { k: unknown }).k})`);
    }
    memo.set(e, r);
    return r;
  };
  const out = walk(root, argTypes[0] ?? 'float32');
  return { lines, result: out.code, dtype: out.dtype };
}

/** Scalar helpers the generated code calls (kept out of the hot loop body's text). */
export const SCALAR_HELPERS = {
  expf,
  sigmoidf,
  tanhf,
  logf,
  erff,
  log1pf,
  expm1f,
  roundEven(x: number): number {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
  },
  /**
   * tanh through one exp: about twice as fast as V8's Math.tanh, and within float32 rounding of it
   * (small |x| takes the odd series, where 1 - 2/(e^2x + 1) would cancel).
   */
  tanh(x: number): number {
    const ax = Math.abs(x);
    if (ax < 1e-4) return x - (x * x * x) / 3;
    if (ax > 20) return x > 0 ? 1 : -1;
    const e = Math.exp(2 * ax);
    const t = 1 - 2 / (e + 1);
    return x < 0 ? -t : t;
  },
  sigmoid(x: number): number {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  },
  erf(x: number): number {
    // Chebyshev-fitted erfc (fractional error below 1.2e-7 everywhere): ample for float32.
    const t = 1 / (1 + 0.5 * Math.abs(x));
    const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? y : -y;
  },
  floorMod(a: number, b: number): number {
    const r = a % b;
    return r !== 0 && r < 0 !== b < 0 ? r + b : r;
  },
  floorDivInt(a: number, b: number): number {
    return b === 0 ? 0 : Math.floor(a / b) | 0;
  },
  floorModInt(a: number, b: number): number {
    if (b === 0) return 0;
    const r = a % b;
    return (r !== 0 && r < 0 !== b < 0 ? r + b : r) | 0;
  },
  max(a: number, b: number): number {
    return a > b || a !== a ? a : b;
  },
  min(a: number, b: number): number {
    return a < b || a !== a ? a : b;
  },
};
