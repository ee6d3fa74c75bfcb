import { expect } from 'chai';
import { mulhi32, philox4x32 } from '../../../runtime/random/philox.js';
import { fillNormal, fillTruncatedNormal, fillUniform, uint32ToUnit } from '../../../runtime/random/sampling.js';

const hex = (words: Uint32Array): string => Array.from(words, (w) => w.toString(16).padStart(8, '0')).join(' ');

function philox(ctr: number[], key: number[]): Uint32Array {
  const out = new Uint32Array(4);
  philox4x32(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
  return out;
}

describe('ops/random: Philox4x32-10', () => {
  it('reproduces the Random123 known-answer vectors', () => {
    expect(hex(philox([0, 0, 0, 0], [0, 0]))).to.equal('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    const ff = 0xffffffff;
    expect(hex(philox([ff, ff, ff, ff], [ff, ff]))).to.equal('408f276d 41c83b0e a20bc7c6 6d5451fd');
    // the pi-digits vector: counter and key are the first hex digits of pi
    expect(hex(philox([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).to.equal('d16cfe09 94fdcceb 5001e420 24126ea1');
  });
  it('mulhi32 equals the BigInt product at the edges and at many fixed points', () => {
    const points = [0, 1, 2, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0xd2511f53, 0xcd9e8d57];
    let s = 12345;
    for (let i = 0; i < 2000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      points.push(s);
    }
    for (let i = 0; i < points.length; i++) {
      const a = points[i];
      const b = points[(i * 7 + 3) % points.length];
      const want = Number((BigInt(a) * BigInt(b)) >> 32n);
      if (mulhi32(a, b) !== want) expect.fail(`mulhi32(${a}, ${b}) = ${mulhi32(a, b)}, expected ${want}`);
    }
  });
  it('maps words to floats in [0, 1) with 23 bits, as TF', () => {
    expect(uint32ToUnit(0)).to.equal(0);
    expect(uint32ToUnit(0xffffffff)).to.equal(1 - 2 ** -23);
    expect(uint32ToUnit(0x00400000)).to.equal(0.5);
  });
  it('element i of run k is lane i % 4 of counter (floor(i / 4), k, 0, 0) under key (seed, seed2)', () => {
    const out = new Float32Array(10);
    fillUniform(out, { k0: 7, k1: 9, run: 3 });
    for (let i = 0; i < 10; i++) {
      const words = philox([Math.floor(i / 4), 3, 0, 0], [7, 9]);
      expect(out[i]).to.equal(Math.fround(uint32ToUnit(words[i % 4])));
    }
  });
  it('a value does not depend on the size of the tensor it is in', () => {
    const key = { k0: 1, k1: 2, run: 0 };
    for (const fill of [fillUniform, fillNormal, fillTruncatedNormal]) {
      const small = new Float32Array(7);
      const big = new Float32Array(1001);
      fill(small, key);
      fill(big, key);
      expect(Array.from(big.subarray(0, 7))).to.deep.equal(Array.from(small));
    }
  });
});
