import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { pushI32, pushU32 } from '../../../runtime/cpu/wasm/leb128.js';
import { ModuleBuilder } from '../../../runtime/cpu/wasm/module.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import type { SimdOp } from '../../../runtime/cpu/wasm/opcodes.js';
import { instantiate, wasmApi } from '../../../runtime/cpu/wasm/wasm_api.js';
import type { WasmMemory } from '../../../runtime/cpu/wasm/wasm_api.js';

const bytes = (f: (out: number[]) => void): number[] => {
  const out: number[] = [];
  f(out);
  return out;
};

/** Instantiates a module over a fresh memory and returns its exports and the memory. */
function load(m: ModuleBuilder): { exports: Readonly<Record<string, unknown>>; memory: WasmMemory } {
  const api = wasmApi()!;
  const memory = new api.Memory({ initial: 1 });
  return { exports: instantiate(api, m.bytes(), memory).exports, memory };
}

describe('runtime/cpu/wasm: the WebAssembly emitter', () => {
  it('LEB128 as the spec gives it', () => {
    expect(bytes((o) => pushU32(o, 624485))).to.deep.equal([0xe5, 0x8e, 0x26]);
    expect(bytes((o) => pushU32(o, 0))).to.deep.equal([0]);
    expect(bytes((o) => pushU32(o, 0xffffffff))).to.deep.equal([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(bytes((o) => pushI32(o, -123456))).to.deep.equal([0xc0, 0xbb, 0x78]);
    expect(bytes((o) => pushI32(o, 63))).to.deep.equal([0x3f]);
    expect(bytes((o) => pushI32(o, 64))).to.deep.equal([0xc0, 0x00]);
    expect(bytes((o) => pushI32(o, -64))).to.deep.equal([0x40]);
    expect(bytes((o) => pushI32(o, -0x80000000))).to.deep.equal([0x80, 0x80, 0x80, 0x80, 0x78]);
    for (const bad of [-1, 1.5, 2 ** 32, NaN]) expect(() => pushU32([], bad)).to.throw(tg.InvalidArgumentError, 'not a u32');
    for (const bad of [2 ** 31, 0.5]) expect(() => pushI32([], bad)).to.throw(tg.InvalidArgumentError, 'not an i32');
  });

  it('a scalar function with loops and branches runs: the sum of the first n integers', () => {
    const m = new ModuleBuilder();
    const { f } = m.func('sum', ['i32'], ['i32']);
    const n = f.param(0, 'i32');
    const i = f.local('i32');
    const s = f.local('i32');
    f.forRange(i, () => f.i32(0), () => f.get(n), 1, () => f.get(s).get(i).op('i32.add').set(s));
    f.get(s);
    const sum = load(m).exports.sum as (n: number) => number;
    expect([0, 1, 10, 1000].map(sum)).to.deep.equal([0, 0, 45, 499500]);
    expect(sum(-3), 'an empty range skips the body').to.equal(0);
  });

  it('v128 loads, lane arithmetic and stores over the imported memory', () => {
    const m = new ModuleBuilder();
    const { f } = m.func('axpy', ['i32', 'i32', 'f32']);
    const [x, y] = [f.param(0, 'i32'), f.param(1, 'i32')];
    const a = f.param(2, 'f32');
    // y[0..4] = a*x[0..4] + y[0..4] - [0.5, 0.5, 0.5, 0.5]
    f.get(y).get(a).simd('f32x4.splat').get(x).simdMem('v128.load').simd('f32x4.mul').get(y).simdMem('v128.load').simd('f32x4.add');
    f.f32x4([0.5, 0.5, 0.5, 0.5]).simd('f32x4.sub').simdMem('v128.store');
    const { exports, memory } = load(m);
    const F = new Float32Array(memory.buffer);
    F.set([1, 2, 3, 4], 0);
    F.set([10, 20, 30, 40], 4);
    (exports.axpy as (x: number, y: number, a: number) => void)(0, 16, 2);
    expect([...F.subarray(4, 8)]).to.deep.equal([11.5, 23.5, 35.5, 47.5]);
  });

  it('only typed instructions, open labels and own locals are accepted', () => {
    const m = new ModuleBuilder();
    const { f } = m.func('f', ['i32']);
    expect(() => f.simd('f32x4.exp' as SimdOp)).to.throw(tg.InvalidArgumentError, "unknown instruction 'f32x4.exp'");
    expect(() => f.simd('constructor' as SimdOp)).to.throw(tg.InvalidArgumentError, 'unknown instruction');
    expect(() => f.lane('f32x4.extract_lane', 4)).to.throw(tg.InvalidArgumentError, 'lane 4 out of range');
    expect(() => f.param(0, 'f32')).to.throw(tg.InvalidArgumentError, 'parameter 0 is i32, not f32');
    let closed: Parameters<typeof f.br>[0] | null = null;
    f.block((l) => (closed = l));
    expect(() => f.br(closed!)).to.throw(tg.InvalidArgumentError, 'not open');
    const other = new ModuleBuilder().func('g', ['i32']).f;
    expect(() => f.get(other.param(0, 'i32'))).to.throw(tg.InvalidArgumentError, 'another function');
    expect(() => f.f32('1' as unknown as number)).to.throw(tg.InvalidArgumentError, 'must be a number');
    expect(() => m.func('f', [])).to.throw(tg.InvalidArgumentError, "export 'f' defined twice");
  });

  it('feature detection answers from validation: SIMD here (Node 20), relaxed SIMD only behind a flag', () => {
    const fx = wasmFeatures();
    expect(fx.simd).to.equal(true);
    expect(typeof fx.relaxedMadd).to.equal('boolean');
  });
});
