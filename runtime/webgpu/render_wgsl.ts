import { DType, InvalidArgumentError, isDType } from '../../graph/ir/index.js';
import type { BinaryPrim, ScalarExpr, UnaryPrim } from '../../ops/elementwise/scalar_expr.js';

/**
 * Renders a scalar expression to WGSL statements, from the same IR the CPU renders to JS. Values
 * in expressions are f32, i32 or WGSL bool (loaded from u32 storage as `!= 0u`). Integer arithmetic
 * wraps as WGSL's i32 does (as TF's int32 kernels); division and modulo floor and give 0 for a zero
 * divisor, like the CPU's helpers. As on the CPU, only the checked IR reaches the source: literals
 * must be numbers, operators and dtypes come from fixed tables, argument indices are in range.
 */
export interface RenderedWgsl {
  readonly lines: string[];
  readonly result: string;
  readonly dtype: DType;
}

const refuse = (what: string): never => {
  throw new InvalidArgumentError(`WGSL elementwise codegen: ${what}`);
};

function checkDType(d: unknown): DType {
  if (!isDType(d)) return refuse(`unknown dtype (${typeof d})`);
  // int64 is held as int32 on every device (graph/ir/dtype.ts)
  return d;
}

export function wgslValueType(d: DType): string {
  return d === 'float32' ? 'f32' : d === 'bool' ? 'bool' : 'i32';
}

/** A literal of dtype `d`. Non-finite floats come from helpers (WGSL has no NaN/Inf literal). */
export function wgslLiteral(v: unknown, d: DType): string {
  if (typeof v !== 'number') return refuse(`a literal must be a number, got ${v === null ? 'null' : typeof v}`);
  if (d === 'bool') return v !== 0 ? 'true' : 'false';
  if (d === 'int32' || d === 'int64') {
    const n = Math.trunc(Number.isFinite(v) ? v : 0) | 0;
    if (n === -2147483648) return '(-2147483647i - 1i)';
    return n < 0 ? `(${String(n)}i)` : `${String(n)}i`;
  }
  const f = Math.fround(v);
  if (Number.isNaN(f)) return 'tg_nan()';
  if (f === Infinity) return 'tg_inf()';
  if (f === -Infinity) return '(-tg_inf())';
  // String() of a finite number is digits, '.', 'e' and signs only; f32-exact after fround
  const s = Object.is(f, -0) ? '-0' : String(f);
  return f < 0 || Object.is(f, -0) ? `(${s}f)` : `${s}f`;
}

const isInt = (d: DType): boolean => d === 'int32' || d === 'int64';

function unary(f: UnaryPrim, a: string, d: DType): string {
  const int = isInt(d);
  switch (f) {
    case 'neg': return `(-${a})`;
    case 'abs': return `abs(${a})`;
    case 'exp': return `exp(${a})`;
    case 'expm1': return `tg_expm1(${a})`;
    case 'log': return `log(${a})`;
    case 'log1p': return `tg_log1p(${a})`;
    case 'sqrt': return `sqrt(${a})`;
    case 'rsqrt': return `(1.0f / sqrt(${a}))`;
    case 'recip': return int ? `tg_floordiv_i(1i, ${a})` : `(1.0f / ${a})`;
    case 'square': return `(${a} * ${a})`;
    case 'floor': return int ? a : `floor(${a})`;
    case 'ceil': return int ? a : `ceil(${a})`;
    case 'roundEven': return int ? a : `round(${a})`;
    case 'sign': return `sign(${a})`;
    case 'sin': return `sin(${a})`;
    case 'cos': return `cos(${a})`;
    case 'tanh': return `tg_tanh(${a})`;
    case 'sigmoid': return `tg_sigmoid(${a})`;
    case 'erf': return `tg_erf(${a})`;
    case 'not': return `(!${a})`;
    default: return refuse(`unknown unary operator (${typeof f})`);
  }
}

function binary(f: BinaryPrim, a: string, b: string, d: DType): string {
  const int = isInt(d);
  switch (f) {
    case 'add': return `(${a} + ${b})`;
    case 'sub': return `(${a} - ${b})`;
    case 'mul': return `(${a} * ${b})`;
    case 'div': return int ? `tg_floordiv_i(${a}, ${b})` : `(${a} / ${b})`;
    case 'floorDiv': return int ? `tg_floordiv_i(${a}, ${b})` : `floor(${a} / ${b})`;
    case 'floorMod': return int ? `tg_floormod_i(${a}, ${b})` : `tg_floormod_f(${a}, ${b})`;
    case 'pow': return int ? `tg_pow_i(${a}, ${b})` : `tg_pow_f(${a}, ${b})`;
    case 'max': return int ? `max(${a}, ${b})` : `tg_max_f(${a}, ${b})`;
    case 'min': return int ? `min(${a}, ${b})` : `tg_min_f(${a}, ${b})`;
    case 'lt': return `(${a} < ${b})`;
    case 'le': return `(${a} <= ${b})`;
    case 'gt': return `(${a} > ${b})`;
    case 'ge': return `(${a} >= ${b})`;
    case 'eq': return `(${a} == ${b})`;
    case 'ne': return `(${a} != ${b})`;
    case 'and': return `(${a} && ${b})`;
    case 'or': return `(${a} || ${b})`;
    default: return refuse(`unknown binary operator (${typeof f})`);
  }
}

const BOOL_BINARY = new Set<BinaryPrim>(['lt', 'le', 'gt', 'ge', 'eq', 'ne', 'and', 'or']);

/** A value of dtype `from` as dtype `to`, with the CPU's rules (float → int truncates). */
export function wgslCast(to: DType, a: string, from: DType): string {
  if (to === from || (isInt(to) && isInt(from))) return a;
  if (to === 'bool') return from === 'float32' ? `(${a} != 0.0f)` : `(${a} != 0i)`;
  if (isInt(to)) return from === 'bool' ? `select(0i, 1i, ${a})` : `i32(${a})`;
  return from === 'bool' ? `select(0.0f, 1.0f, ${a})` : `f32(${a})`;
}

/** Renders `root` with argument i read from `argNames[i]` (already WGSL values of their dtype). */
export function renderWgsl(root: ScalarExpr, argTypes: readonly DType[], argNames: readonly string[]): RenderedWgsl {
  const lines: string[] = [];
  const memo = new Map<ScalarExpr, { code: string; dtype: DType }>();
  let tmp = 0;
  const emit = (code: string, dtype: DType): { code: string; dtype: DType } => {
    const name = `t${tmp++}`;
    lines.push(`let ${name}: ${wgslValueType(dtype)} = ${code};`);
    return { code: name, dtype };
  };
  const walk = (e: ScalarExpr, hint: DType): { code: string; dtype: DType } => {
    const hit = memo.get(e);
    if (hit) return hit;
    let r: { code: string; dtype: DType };
    switch (e.k) {
      case 'arg':
        if (!Number.isInteger(e.i) || e.i < 0 || e.i >= argNames.length) refuse('argument index out of range');
        r = { code: argNames[e.i], dtype: checkDType(argTypes[e.i]) };
        break;
      case 'const': {
        const d = checkDType(e.dtype ?? hint);
        r = { code: wgslLiteral(e.v, d), dtype: d };
        break;
      }
      case 'un': {
        const a = walk(e.a, hint);
        if (e.f === 'not') r = emit(unary('not', wgslCast('bool', a.code, a.dtype), 'bool'), 'bool');
        else r = emit(unary(e.f, a.code, a.dtype), a.dtype);
        break;
      }
      case 'bin': {
        // an untyped literal takes the dtype of the other side
        const litFirst = e.a.k === 'const' && e.a.dtype === null;
        const first = litFirst ? walk(e.b, hint) : walk(e.a, hint);
        const a = litFirst ? walk(e.a, first.dtype) : first;
        const bRaw = litFirst ? first : walk(e.b, a.dtype);
        if (e.f === 'and' || e.f === 'or') {
          r = emit(binary(e.f, wgslCast('bool', a.code, a.dtype), wgslCast('bool', bRaw.code, bRaw.dtype), 'bool'), 'bool');
          break;
        }
        const b = wgslCast(a.dtype, bRaw.code, bRaw.dtype);
        r = emit(binary(e.f, a.code, b, a.dtype), BOOL_BINARY.has(e.f) ? 'bool' : a.dtype);
        break;
      }
      case 'select': {
        const c = walk(e.c, 'bool');
        const litFirst = e.a.k === 'const' && e.a.dtype === null;
        const known = litFirst ? walk(e.b, hint) : walk(e.a, hint);
        const a = litFirst ? walk(e.a, known.dtype) : known;
        const b = litFirst ? known : walk(e.b, a.dtype);
        r = emit(`select(${wgslCast(a.dtype, b.code, b.dtype)}, ${a.code}, ${wgslCast('bool', c.code, c.dtype)})`, a.dtype);
        break;
      }
      case 'cast': {
        const a = walk(e.a, hint);
        const to = checkDType(e.to);
        r = emit(wgslCast(to, a.code, a.dtype), to);
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

/**
 * Scalar helpers every generated shader carries (WGSL drops unused functions). They follow the
 * CPU's SCALAR_HELPERS: NaN-propagating max/min, floored integer division with 0 for /0, a tanh
 * that does not overflow, pow of a negative base with an integer exponent.
 */
export const WGSL_HELPERS = `
fn tg_nan() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }
fn tg_inf() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }
fn tg_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn tg_max_f(a: f32, b: f32) -> f32 { return select(b, a, a > b || tg_isnan(a)); }
fn tg_min_f(a: f32, b: f32) -> f32 { return select(b, a, a < b || tg_isnan(a)); }
fn tg_tanh(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 1e-4f) { return x - x * x * x / 3.0f; }
  if (ax > 20.0f) { return sign(x); }
  let e = exp(2.0f * ax);
  let t = 1.0f - 2.0f / (e + 1.0f);
  return select(t, -t, x < 0.0f);
}
fn tg_sigmoid(x: f32) -> f32 {
  if (x >= 0.0f) { return 1.0f / (1.0f + exp(-x)); }
  let e = exp(x);
  return e / (1.0f + e);
}
fn tg_expm1(x: f32) -> f32 { if (abs(x) < 1e-5f) { return x + 0.5f * x * x; } return exp(x) - 1.0f; }
fn tg_log1p(x: f32) -> f32 { if (abs(x) < 1e-4f) { return x - 0.5f * x * x; } return log(1.0f + x); }
fn tg_erf(x: f32) -> f32 {
  let t = 1.0f / (1.0f + 0.5f * abs(x));
  let y = 1.0f - t * exp(-x * x - 1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f)))))))));
  return select(-y, y, x >= 0.0f);
}
fn tg_floordiv_i(a: i32, b: i32) -> i32 {
  if (b == 0i) { return 0i; }
  let q = a / b;
  if ((a % b != 0i) && ((a < 0i) != (b < 0i))) { return q - 1i; }
  return q;
}
fn tg_floormod_i(a: i32, b: i32) -> i32 {
  if (b == 0i) { return 0i; }
  let r = a % b;
  if (r != 0i && ((r < 0i) != (b < 0i))) { return r + b; }
  return r;
}
fn tg_floormod_f(a: f32, b: f32) -> f32 {
  let r = a % b;
  if (r != 0.0f && ((r < 0.0f) != (b < 0.0f))) { return r + b; }
  return r;
}
fn tg_pow_f(a: f32, b: f32) -> f32 {
  if (b == 0.0f) { return 1.0f; }
  if (a >= 0.0f) { return pow(a, b); }
  if (floor(b) != b) { return tg_nan(); }
  let m = pow(-a, b);
  return select(m, -m, abs(b % 2.0f) == 1.0f);
}
fn tg_pow_i(a: i32, b: i32) -> i32 {
  if (b < 0i) {
    if (a == 1i) { return 1i; }
    if (a == -1i) { return select(-1i, 1i, (b & 1i) == 0i); }
    return 0i;
  }
  var r = 1i; var base = a; var e = b;
  loop { if (e == 0i) { break; } if ((e & 1i) == 1i) { r = r * base; } base = base * base; e = e >> 1u; }
  return r;
}
`;
