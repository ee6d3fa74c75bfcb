import { expect } from 'chai';
import * as tg from '../../src/index.js';
import type { DType } from '../../graph/ir/index.js';
import { arg, bin, exprKey, lit, type ScalarExpr } from '../../ops/elementwise/scalar_expr.js';
import { renderJs } from '../../runtime/cpu/render_js.js';
import { reduceElementwise, runElementwise } from '../../runtime/cpu/elementwise_kernel.js';

/**
 * The last line of defence of issue 10, finding 1: whatever reaches the elementwise code generator
 * (store, fused and reduce loops alike), only checked IR becomes source text. Malformed nodes are
 * InvalidArgumentErrors, and a value's own toString/valueOf is never called.
 */
const FLAG = '__tgCodegenRan';
const ran = (): boolean => (globalThis as Record<string, unknown>)[FLAG] !== undefined;
const trap = (): unknown => {
  const set = () => {
    (globalThis as Record<string, unknown>)[FLAG] = true;
    return 0;
  };
  return { toString: set, valueOf: set, [Symbol.toPrimitive]: set };
};
const x = tg.NDArray.from([-2, 3]);
const forged = (e: unknown): ScalarExpr => e as ScalarExpr;

describe('runtime/cpu: generated kernels are built only from checked IR (issue 10)', () => {
  afterEach(() => expect(ran(), 'a value was converted to source').to.equal(false));

  it('a literal that is not a JS number is refused by lit, exprKey, the renderer and the kernel cache', () => {
    for (const v of ['0+(globalThis.__tgCodegenRan=1,0)', trap(), null, [1], { v: 1 }, true]) {
      expect(() => lit(v as number)).to.throw(tg.InvalidArgumentError, 'literal must be a number');
      const e = forged({ k: 'bin', f: 'mul', a: arg(0), b: { k: 'const', v, dtype: null } });
      expect(() => exprKey(e)).to.throw(tg.InvalidArgumentError, 'literal must be a number');
      expect(() => renderJs(e, ['float32'], ['v0'])).to.throw(tg.InvalidArgumentError, 'literal must be a number');
      expect(() => runElementwise(e, [x], 'float32', [2])).to.throw(tg.InvalidArgumentError);
      expect(() => reduceElementwise(e, [x], 'float32', [2], 'sum')).to.throw(tg.InvalidArgumentError);
    }
  });

  it('unknown operators, dtypes, node kinds and argument indices are refused, never spliced', () => {
    const bad: [unknown, string][] = [
      [{ k: 'un', f: 'exp);globalThis.__tgCodegenRan=1;(', a: arg(0) }, 'unknown unary operator'],
      [{ k: 'bin', f: 'constructor', a: arg(0), b: arg(0) }, 'unknown binary operator'],
      [{ k: 'cast', to: 'float64', a: arg(0) }, 'unknown dtype'],
      [{ k: 'const', v: 1, dtype: 'x;globalThis.__tgCodegenRan=1' }, 'unknown dtype'],
      [{ k: 'arg', i: 3 }, 'argument index out of range'],
      [{ k: 'arg', i: '0]+(globalThis.__tgCodegenRan=1)+ins[0' }, 'argument index out of range'],
      [{ k: '__proto__' }, 'unknown expression node'],
    ];
    for (const [e, msg] of bad) expect(() => renderJs(forged(e), ['float32'], ['v0']), msg).to.throw(tg.InvalidArgumentError, msg);
    expect(() => runElementwise(arg(0), [x], 'float64' as DType, [2])).to.throw(tg.InvalidArgumentError, 'invalid kernel signature');
  });

  it('NaN, the infinities and -0 are spelled deliberately and compute as JS numbers do', () => {
    const cases: [number, number[]][] = [[NaN, [NaN, NaN]], [Infinity, [-Infinity, Infinity]], [-Infinity, [Infinity, -Infinity]], [-0, [0, -0]], [1e-45, [-2e-45, 3e-45]]];
    for (const [v, want] of cases) {
      const out = runElementwise(bin('mul', arg(0), lit(v)), [x], 'float32', [2]);
      [...out.data].forEach((got, i) => expect(Object.is(got, Math.fround(want[i])), `x * ${v}: ${got}`).to.equal(true));
    }
    expect(exprKey(lit(-0))).to.not.equal(exprKey(lit(0)));
  });

  it('a negative literal after a minus sign stays a subtraction (x - -Infinity, x - -0, x - -2)', () => {
    // spelled bare, `x--Infinity` is a syntax error and `x--0` a decrement
    for (const v of [-Infinity, -0, -2]) {
      const out = runElementwise(bin('sub', arg(0), lit(v)), [x], 'float32', [2]);
      [...out.data].forEach((got, i) => expect(Object.is(got, Math.fround(x.data[i] - v)), `x - ${v}: ${got}`).to.equal(true));
    }
  });
});
