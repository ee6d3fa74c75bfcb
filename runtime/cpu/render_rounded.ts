import type { DType } from '../../graph/ir/index.js';
import { arg, bin, cast, ScalarExpr, select, un, UnaryPrim } from '../../ops/elementwise/scalar_expr.js';
import { Rendered, renderJs } from './render_js.js';
import type { Transcendentals } from './render_js.js';

const EXACT_UNARY: ReadonlySet<UnaryPrim> = new Set(['neg', 'abs', 'floor', 'ceil', 'roundEven', 'sign']);

/**
 * Renders an expression for a loop so that every float32 value inside it is a float32: each
 * operation that reads an input is rendered on its own (by renderJs, in a block of its own so its
 * temporaries stay local) and its result stored through Math.fround, as a kernel per op would have
 * stored it. A fused region then gives exactly what its ops give one by one: JS arithmetic is
 * double, and a double intermediate shows through floor, comparisons and casts to int (floor(x*10)
 * for x = 0.7f is 7 in float32 and 6 in double) and through float32 overflow (x*x - x*x for
 * x = 1e20 is NaN, not 0). Literals stay inline, and so do sub-expressions of untyped literals
 * alone: their operator renders them with the dtype of the operand they meet.
 */
export function renderRounded(root: ScalarExpr, argTypes: readonly DType[], argNames: readonly string[], tr: Transcendentals = 'double'): Rendered {
  const names = [...argNames];
  const types = [...argTypes];
  const lines: string[] = [];
  const aloneMemo = new Map<ScalarExpr, boolean>();
  const standsFor = new Map<ScalarExpr, ScalarExpr>();

  /**
   * Whether `e` renders the same on its own: it reads an input, or its literals all carry a dtype
   * (an untyped literal takes the dtype of what it meets, so a subtree of untyped literals alone
   * renders inside its parent).
   */
  const standsAlone = (e: ScalarExpr): boolean => {
    const known = aloneMemo.get(e);
    if (known !== undefined) return known;
    let r: boolean;
    switch (e.k) {
      case 'arg': r = true; break;
      case 'const': r = e.dtype !== null; break;
      case 'un':
      case 'cast': r = standsAlone(e.a); break;
      case 'bin': r = standsAlone(e.a) || standsAlone(e.b); break;
      case 'select': r = standsAlone(e.c) || standsAlone(e.a) || standsAlone(e.b); break;
    }
    aloneMemo.set(e, r);
    return r;
  };

  /** `e` with each operand replaced by the named value that holds it. */
  const withOperandsNamed = (e: ScalarExpr): ScalarExpr => {
    switch (e.k) {
      case 'arg':
      case 'const': return e;
      case 'un': return un(e.f, named(e.a));
      case 'cast': return cast(e.to, named(e.a));
      case 'bin': return bin(e.f, named(e.a), named(e.b));
      case 'select': return select(named(e.c), named(e.a), named(e.b));
    }
  };

  /** An arg standing for `e`'s value, computed once (shared sub-expressions stay shared). */
  const named = (e: ScalarExpr): ScalarExpr => {
    if (e.k === 'arg' || e.k === 'const' || !standsAlone(e)) return e;
    const hit = standsFor.get(e);
    if (hit) return hit;
    const r = renderJs(withOperandsNamed(e), types, names, tr);
    const name = `w${names.length}`;
    const round = r.dtype === 'float32' && !keepsFloat32(e);
    lines.push(`let ${name};{${r.lines.join('')}${name}=${round ? `Math.fround(${r.result})` : r.result};}`);
    names.push(name);
    types.push(r.dtype);
    const a = arg(names.length - 1);
    standsFor.set(e, a);
    return a;
  };

  /**
   * Whether `e` is a float32 without rounding: it only picks, negates or truncates operands that
   * are float32 already (Math.fround costs about as much as the arithmetic, so relu, max, abs,
   * floor and selects skip it). Inputs and typed literals are float32; an int cast to float is not.
   */
  const keepsFloat32 = (e: ScalarExpr): boolean => {
    const exact = (o: ScalarExpr): boolean => {
      if (o.k === 'const') return Math.fround(o.v) === o.v || Number.isNaN(o.v);
      if (o.k === 'arg') return argTypes[o.i] === 'float32';
      const n = standsFor.get(o);
      return n !== undefined && n.k === 'arg' && (types[n.i] === 'float32' || types[n.i] === 'bool');
    };
    switch (e.k) {
      case 'un': return EXACT_UNARY.has(e.f) && exact(e.a);
      case 'bin': return (e.f === 'max' || e.f === 'min') && exact(e.a) && exact(e.b);
      case 'select': return exact(e.a) && exact(e.b);
      case 'cast': return exact(e.a);
      default: return false;
    }
  };

  const top = renderJs(withOperandsNamed(root), types, names, tr);
  return { lines: [...lines, ...top.lines], result: top.result, dtype: top.dtype };
}
