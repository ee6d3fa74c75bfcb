import { expect } from 'chai';
import { arg, un } from '../../../ops/elementwise/scalar_expr.js';
import { erff } from '../../../runtime/cpu/wasm/f32_erf.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { wasmElementwise } from '../../../runtime/cpu/wasm/wasm_elementwise.js';
import { ulps } from '../../support/float32_ulps.js';

/**
 * erf in double, well past float32 accuracy: the Maclaurin series below 2.5 (at most ~3 of 16
 * digits lost to cancellation there), erfc's continued fraction (Lentz) beyond.
 */
function erfRef(x: number): number {
  const a = Math.abs(x);
  if (Number.isNaN(x)) return NaN;
  let r: number;
  if (a < 2.5) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-20 * Math.abs(sum); n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(a) = exp(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...))))
    let cf = a;
    for (let k = 120; k >= 1; k--) cf = a + k / 2 / cf;
    r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / cf;
  }
  return x < 0 ? -r : r;
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-40, 2 ** -126, 0.84375, -0.84375, 0.8437499, 2.5, 3.9, 4, 9, -9, 3.4e38, 1, -1, 0.5];

describe('runtime/cpu/wasm: float32 erf', () => {
  const xs: number[] = [];
  for (let x = -6; x <= 6; x += 12 / 200000) xs.push(Math.fround(x));
  for (let b = 1; b < 0x7f800000; b += 9973) {
    const v = new Float32Array(new Int32Array([b]).buffer)[0];
    xs.push(v, -v);
  }
  const all = Float32Array.from([...xs, ...SPECIAL]);

  it('is within 2 ulp of a double-precision erf rounded to float32; ±0, ±Inf, NaN exact', () => {
    let worst = 0;
    let at = 0;
    for (const x of all) {
      const [g, w] = [erff(x), Math.fround(erfRef(x))];
      if (Number.isNaN(w)) {
        if (!Number.isNaN(g)) expect.fail(`erf(${x}): got ${g}, want NaN`);
      } else if (ulps(g, w) > worst) [worst, at] = [ulps(g, w), x];
    }
    expect(worst, `worst at ${at}`).to.be.at.most(2);
    expect([erff(Infinity), erff(-Infinity), erff(0), erff(-0), erff(3.4e38)]).to.deep.equal([1, -1, 0, -0, 1]);
    expect(Number.isNaN(erff(NaN))).to.equal(true);
  });

  it('the wasm SIMD code and the JS mirror agree bit for bit over the sweep and the special values', function () {
    if (!wasmFeatures().simd) this.skip();
    const out = new Float32Array(all.length);
    expect(wasmElementwise(un('erf', arg(0)), [all], out, [all.length], [[1]]), 'the region renders to wasm').to.equal(true);
    let diffs = 0;
    for (let i = 0; i < all.length; i++) if (!Object.is(out[i], erff(all[i]))) diffs++;
    expect(diffs, 'lanes that differ').to.equal(0);
  });
});
