import { InternalError } from '../../../graph/ir/index.js';
import type { ScalarExpr } from '../../../ops/elementwise/scalar_expr.js';
import { exprKey } from '../../../ops/elementwise/scalar_expr.js';
import type { FuncBuilder, Local } from './code.js';
import { emitExp, emitSigmoid } from './f32_math.js';
import { emitErf } from './f32_erf.js';
import { emitExpm1, emitLog1p } from './f32_log1p_expm1.js';
import { emitLog, emitTanh } from './f32_tanh_log.js';
import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';

/**
 * How an input of a rank-2 (rows × cols) elementwise loop is laid out: a full matrix, one row
 * repeated down the rows (a bias), one value per row (a keep-dims reduction), or a scalar.
 */
export type InputKind = 'full' | 'row' | 'col' | 'scalar';

type Value = { readonly kind: 'f32' | 'mask'; readonly local: Local<'v128'> };

/**
 * Whether the float32 expression renders to wasm with exactly the JS kernel's results: every node
 * reads an input (literal-only subtrees are computed in double by the JS renderer), literals are
 * float32 values (the JS renderer multiplies by the double literal), and each operation is one
 * correctly rounded float32 operation or a bitwise pick, or exp/sigmoid/tanh/log/erf/log1p/
 * expm1, whose float32 formulas the JS kernels share (f32_math.ts, f32_tanh_log.ts, f32_erf.ts,
 * f32_log1p_expm1.ts). Comparisons are masks that only select, and/or and not read.
 */
export function wasmRenders(e: ScalarExpr): boolean {
  return check(e) === 'f32';
}

const UNARY = new Set(['neg', 'abs', 'sqrt', 'floor', 'ceil', 'roundEven', 'recip', 'square', 'exp', 'sigmoid', 'tanh', 'log', 'erf', 'log1p', 'expm1']);
const ARITH = new Set(['add', 'sub', 'mul', 'div', 'max', 'min']);
const COMPARE = new Set(['lt', 'le', 'gt', 'ge', 'eq', 'ne']);

function hasArg(e: ScalarExpr): boolean {
  switch (e.k) {
    case 'arg': return true;
    case 'const': return false;
    case 'un':
    case 'cast': return hasArg(e.a);
    case 'bin': return hasArg(e.a) || hasArg(e.b);
    case 'select': return hasArg(e.c) || hasArg(e.a) || hasArg(e.b);
  }
}

function check(e: ScalarExpr): 'f32' | 'mask' | null {
  switch (e.k) {
    case 'arg': return 'f32';
    case 'const':
      return typeof e.v === 'number' && (e.dtype === null || e.dtype === 'float32') && (Number.isNaN(e.v) || Math.fround(e.v) === e.v) ? 'f32' : null;
    case 'un':
      if (!hasArg(e)) return null;
      if (e.f === 'not') return check(e.a) === 'mask' ? 'mask' : null;
      return UNARY.has(e.f) && check(e.a) === 'f32' ? 'f32' : null;
    case 'bin': {
      if (!hasArg(e)) return null;
      const [a, b] = [check(e.a), check(e.b)];
      if (ARITH.has(e.f)) return a === 'f32' && b === 'f32' ? 'f32' : null;
      if (COMPARE.has(e.f)) return a === 'f32' && b === 'f32' ? 'mask' : null;
      if (e.f === 'and' || e.f === 'or') return a === 'mask' && b === 'mask' ? 'mask' : null;
      return null;
    }
    case 'select':
      return hasArg(e) && check(e.c) === 'mask' && check(e.a) === 'f32' && check(e.b) === 'f32' ? 'f32' : null;
    case 'cast':
      return null;
  }
}

/**
 * The module of one region: `run(rows, colBytes, out, in0, in1, ...)` evaluates the expression over
 * rows × (colBytes/4) floats, four lanes at a time (columns are padded to a multiple of 4; the pad
 * lanes compute garbage nobody reads). Row stride is colBytes for `out` and full inputs.
 * The caller checks `wasmRenders(expr)` first.
 */
export function buildElementwiseModule(expr: ScalarExpr, kinds: readonly InputKind[]): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  const { f } = m.func('run', ['i32', 'i32', 'i32', ...kinds.map(() => 'i32' as const)]);
  const rows = f.param(0, 'i32');
  const colBytes = f.param(1, 'i32');
  const out = f.param(2, 'i32');
  const ptrs = kinds.map((_k, i) => f.param(3 + i, 'i32'));
  const i = f.local('i32');
  const j = f.local('i32');
  const rowOff = f.local('i32');
  const vals = kinds.map(() => f.local('v128'));
  const tmp = [0, 1, 2, 3, 4].map(() => f.local('v128'));

  kinds.forEach((k, a) => {
    if (k === 'scalar') f.get(ptrs[a]).simdMem('v128.load32_splat').set(vals[a]);
  });
  f.forRange(i, () => f.i32(0), () => f.get(rows), 1, () => {
    f.get(i).get(colBytes).op('i32.mul').set(rowOff);
    kinds.forEach((k, a) => {
      if (k === 'col') f.get(ptrs[a]).get(i).i32(4).op('i32.mul').op('i32.add').simdMem('v128.load32_splat').set(vals[a]);
    });
    f.forRange(j, () => f.i32(0), () => f.get(colBytes), 16, () => {
      kinds.forEach((k, a) => {
        if (k === 'full') f.get(ptrs[a]).get(rowOff).op('i32.add').get(j).op('i32.add').simdMem('v128.load').set(vals[a]);
        else if (k === 'row') f.get(ptrs[a]).get(j).op('i32.add').simdMem('v128.load').set(vals[a]);
      });
      const result = emit(f, expr, vals, tmp, new Map());
      f.get(out).get(rowOff).op('i32.add').get(j).op('i32.add').get(result.local).simdMem('v128.store');
    });
  });
  return m.bytes();
}

/** Emits `e`, each node into a local of its own, so shared sub-expressions are computed once. */
function emit(f: FuncBuilder, e: ScalarExpr, args: readonly Local<'v128'>[], tmp: readonly Local<'v128'>[], memo: Map<ScalarExpr, Value>): Value {
  const hit = memo.get(e);
  if (hit) return hit;
  let v: Value;
  const fresh = (kind: Value['kind']): Value => {
    const local = f.local('v128');
    f.set(local);
    return { kind, local };
  };
  switch (e.k) {
    case 'arg':
      v = { kind: 'f32', local: args[e.i] };
      break;
    case 'const':
      f.f32x4([e.v, e.v, e.v, e.v]);
      v = fresh('f32');
      break;
    case 'un': {
      const a = emit(f, e.a, args, tmp, memo).local;
      switch (e.f) {
        case 'not': f.get(a).simd('v128.not'); break;
        case 'neg': f.get(a).simd('f32x4.neg'); break;
        case 'abs': f.get(a).simd('f32x4.abs'); break;
        case 'sqrt': f.get(a).simd('f32x4.sqrt'); break;
        case 'floor': f.get(a).simd('f32x4.floor'); break;
        case 'ceil': f.get(a).simd('f32x4.ceil'); break;
        case 'roundEven': f.get(a).simd('f32x4.nearest'); break;
        case 'recip': f.f32x4([1, 1, 1, 1]).get(a).simd('f32x4.div'); break;
        case 'square': f.get(a).get(a).simd('f32x4.mul'); break;
        case 'exp': f.get(a); emitExp(f, tmp); break;
        case 'sigmoid': f.get(a); emitSigmoid(f, tmp); break;
        case 'tanh': f.get(a); emitTanh(f, tmp); break;
        case 'log': f.get(a); emitLog(f); break;
        case 'erf': f.get(a); emitErf(f, tmp); break;
        case 'log1p': f.get(a); emitLog1p(f); break;
        case 'expm1': f.get(a); emitExpm1(f, tmp); break;
        default: throw new InternalError(`render_wasm: unary ${e.f} passed the check`);
      }
      v = fresh(e.f === 'not' ? 'mask' : 'f32');
      break;
    }
    case 'bin': {
      const a = emit(f, e.a, args, tmp, memo).local;
      const b = emit(f, e.b, args, tmp, memo).local;
      const simple = { add: 'f32x4.add', sub: 'f32x4.sub', mul: 'f32x4.mul', div: 'f32x4.div', lt: 'f32x4.lt', le: 'f32x4.le', gt: 'f32x4.gt', ge: 'f32x4.ge', eq: 'f32x4.eq', ne: 'f32x4.ne', and: 'v128.and', or: 'v128.or' } as const;
      if (e.f === 'max' || e.f === 'min') {
        // the JS kernels' max: a > b || a is NaN ? a : b (NaN from either side, and max(+0, −0) = −0)
        f.get(a).get(b).get(a).get(b).simd(e.f === 'max' ? 'f32x4.gt' : 'f32x4.lt').get(a).get(a).simd('f32x4.ne').simd('v128.or').simd('v128.bitselect');
      } else if (e.f in simple) {
        f.get(a).get(b).simd(simple[e.f as keyof typeof simple]);
      } else throw new InternalError(`render_wasm: binary ${e.f} passed the check`);
      v = fresh(COMPARE.has(e.f) || e.f === 'and' || e.f === 'or' ? 'mask' : 'f32');
      break;
    }
    case 'select': {
      const mm = pminPmax(e);
      if (mm) {
        const p = emit(f, mm.a, args, tmp, memo).local;
        const q = emit(f, mm.b, args, tmp, memo).local;
        f.get(p).get(q).simd(mm.op);
        v = fresh('f32');
        break;
      }
      const c = emit(f, e.c, args, tmp, memo).local;
      const a = emit(f, e.a, args, tmp, memo).local;
      const b = emit(f, e.b, args, tmp, memo).local;
      f.get(a).get(b).get(c).simd('v128.bitselect');
      v = fresh('f32');
      break;
    }
    case 'cast':
      throw new InternalError('render_wasm: a cast passed the check');
  }
  memo.set(e, v);
  return v;
}

/**
 * `p < q ? q : p` is exactly f32x4.pmax(p, q), and `p < q ? p : q` is pmin(q, p), for every value
 * NaN and ±0 included (the wasm spec defines pmin/pmax by that comparison): one instruction on x64
 * where compare and bitselect are four. Relu lowers to the first form.
 */
function pminPmax(e: Extract<ScalarExpr, { k: 'select' }>): { op: 'f32x4.pmin' | 'f32x4.pmax'; a: ScalarExpr; b: ScalarExpr } | null {
  const c = e.c;
  if (c.k !== 'bin' || (c.f !== 'lt' && c.f !== 'gt')) return null;
  // the condition as p < q
  const [p, q] = c.f === 'lt' ? [c.a, c.b] : [c.b, c.a];
  const [ka, kb, kp, kq] = [exprKey(e.a), exprKey(e.b), exprKey(p), exprKey(q)];
  if (ka === kq && kb === kp) return { op: 'f32x4.pmax', a: p, b: q };
  if (ka === kp && kb === kq) return { op: 'f32x4.pmin', a: q, b: p };
  return null;
}
