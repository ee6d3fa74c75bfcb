import type { FuncBuilder, Local } from './code.js';
import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';
import type { WasmReduceKind } from './reduce_module.js';

/**
 * Last-axis reductions: `reduceRows<Kind>(x, y, rows, red)` (byte addresses), y[r] the reduction
 * of the row x[r, :]. Each row is one chain in the JS kernel's order (reduce_kernel.ts), so the
 * lanes run across rows instead: four rows at a time, each lane gathering its row's element with a
 * scalar load; sum and mean in two f64x2 accumulators from 0 (mean divided by red in double), max
 * and min in f32x4 with the JS rule (v where v > acc, or v is NaN). The last rows % 4 go one at a
 * time with the row in every lane. Bit for bit the JS kernel.
 */
export function buildReduceRowsModule(): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  for (const kind of ['sum', 'mean', 'max', 'min'] as const) buildOne(m, kind);
  return m.bytes();
}

function buildOne(m: ModuleBuilder, kind: WasmReduceKind): void {
  const { f } = m.func(`reduceRows${kind[0].toUpperCase()}${kind.slice(1)}`, ['i32', 'i32', 'i32', 'i32']);
  const [x, y, rows, red] = [0, 1, 2, 3].map((i) => f.param(i, 'i32'));
  const [r, j, rowBytes, src, out, full] = Array.from({ length: 6 }, () => f.local('i32'));
  const [accA, accB, v, redF] = Array.from({ length: 4 }, () => f.local('v128'));
  const double = kind === 'sum' || kind === 'mean';
  if (kind === 'mean') f.get(red).op('f64.convert_i32_s').simd('f64x2.splat').set(redF);
  f.get(red).i32(2).op('i32.shl').set(rowBytes);
  // the element of row `k` of the group at column byte j
  const load = (k: number) => f.get(src).get(rowBytes).i32(k).op('i32.mul').op('i32.add').get(j).op('i32.add').mem('f32.load');
  const fold = (acc: Local<'v128'>) => {
    if (double) f.get(acc).simd('f64x2.add').set(acc);
    else f.set(v).get(v).get(acc).get(v).get(acc).simd(kind === 'max' ? 'f32x4.gt' : 'f32x4.lt').get(v).get(v).simd('f32x4.ne').simd('v128.or').simd('v128.bitselect').set(acc);
  };
  const group = (four: boolean) => {
    const start = double ? 0 : kind === 'max' ? -Infinity : Infinity;
    for (const acc of [accA, accB]) f.f32x4([start, start, start, start]).set(acc);
    f.forRange(j, () => f.i32(0), () => f.get(rowBytes), 4, () => {
      if (double) {
        for (const [acc, k] of [[accA, 0], [accB, 2]] as const) {
          if (!four && k === 2) continue;
          load(k).op('f64.promote_f32').simd('f64x2.splat');
          if (four) {
            load(k + 1).op('f64.promote_f32');
            f.lane('f64x2.replace_lane', 1);
          }
          fold(acc);
        }
      } else {
        load(0).simd('f32x4.splat');
        if (four) {
          for (const k of [1, 2, 3]) {
            load(k);
            f.lane('f32x4.replace_lane', k);
          }
        }
        fold(accA);
      }
    });
    store(f, out, four, double, kind === 'mean' ? redF : null, accA, accB);
  };
  f.get(x).set(src);
  f.get(y).set(out);
  f.get(rows).i32(-4).op('i32.and').set(full);
  f.forRange(r, () => f.i32(0), () => f.get(full), 4, () => {
    group(true);
    f.get(src).get(rowBytes).i32(2).op('i32.shl').op('i32.add').set(src);
    f.get(out).i32(16).op('i32.add').set(out);
  });
  f.forRange(r, () => f.get(full), () => f.get(rows), 1, () => {
    group(false);
    f.get(src).get(rowBytes).op('i32.add').set(src);
    f.get(out).i32(4).op('i32.add').set(out);
  });
}

/** Writes the group's results at out: four floats, or lane 0 alone. */
function store(f: FuncBuilder, out: Local<'i32'>, four: boolean, double: boolean, redF: Local<'v128'> | null, accA: Local<'v128'>, accB: Local<'v128'>): void {
  if (!double) {
    f.get(out).get(accA);
    if (four) f.simdMem('v128.store');
    else f.simdMemLane('v128.store32_lane', 0);
    return;
  }
  for (const [acc, off] of [[accA, 0], [accB, 8]] as const) {
    if (!four && off === 8) continue;
    f.get(out).get(acc);
    if (redF) f.get(redF).simd('f64x2.div');
    f.simd('f32x4.demote_f64x2_zero');
    if (four) f.simdMemLane('v128.store64_lane', 0, off);
    else f.simdMemLane('v128.store32_lane', 0);
  }
}
