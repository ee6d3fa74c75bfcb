import type { DType } from '../../graph/ir/index.js';
import { arg, bin, cast, ScalarExpr, select, un } from '../../ops/elementwise/scalar_expr.js';
import { Rendered, renderJs } from './render_js.js';

/**
 * Renders an expression for a loop so that every float32 value inside it is a float32: each
 * operation that reads an input is rendered on its own (by renderJs, in a block of its own so its
 * temporaries stay local) and its result stored through Math.fround, as a kernel per op would have
 * stored it. A fused region then gives exactly what its ops give one by one: JS arithmetic is
 * double, and a double intermediate shows through floor, comparisons and casts to int (floor(x*10)
 * for x = 0.7f is 7 in float32 and 6 in double) and through float32 overflow (x*x - x*x for
 * x = 1e20 is NaN, not 0). Sub-expressions of literals alone stay inline: their operator renders
 * them with the dtype of the operand they meet.
 */
export function renderRounded(root: ScalarExpr, argTypes: readonly DType[], argNames: readonly string[]): Rendered {
  const names = [...argNames];
  const types = [...argTypes];
  const lines: string[] = [];
  const readsInput = new Map<ScalarExpr, boolean>();
  const standsFor = new Map<ScalarExpr, ScalarExpr>();

  const hasArg = (e: ScalarExpr): boolean => {
    const known = readsInput.get(e);
    if (known !== undefined) return known;
    let r: boolean;
    switch (e.k) {
      case 'arg': r = true; break;
      case 'const': r = false; break;
      case 'un':
      case 'cast': r = hasArg(e.a); break;
      case 'bin': r = hasArg(e.a) || hasArg(e.b); break;
      case 'select': r = hasArg(e.c) || hasArg(e.a) || hasArg(e.b); break;
    }
    readsInput.set(e, r);
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
    if (e.k === 'arg' || !hasArg(e)) return e;
    const hit = standsFor.get(e);
    if (hit) return hit;
    const r = renderJs(withOperandsNamed(e), types, names);
    const name = `w${names.length}`;
    lines.push(`let ${name};{${r.lines.join('')}${name}=${r.dtype === 'float32' ? `Math.fround(${r.result})` : r.result};}`);
    names.push(name);
    types.push(r.dtype);
    const a = arg(names.length - 1);
    standsFor.set(e, a);
    return a;
  };

  const top = renderJs(withOperandsNamed(root), types, names);
  return { lines: [...lines, ...top.lines], result: top.result, dtype: top.dtype };
}
