import * as tg from './tg.js';

/*
 * The random-graph generator's step table: each step draws one construct (an elementwise op, a
 * broadcast, a reduction, a MatMul with an epilogue, a reshape, a convolution, an assignment, ...)
 * from the values drawn so far. The order of the entries and of their draws fixes which graph a
 * seed gives, so new steps go at the end of a table, behind an option.
 */

export interface Item {
  readonly t: tg.Tensor;
  readonly shape: readonly number[];
  readonly name: string;
}

/** A weight and the step it draws. */
export type Step = readonly [number, () => void];

/**
 * The families of ops the generator draws, so a pass author can aim it (`ops` option): each step
 * of the tables below belongs to one, in table order (STEP_FAMILIES).
 */
export type OpFamily =
  | 'elementwise' | 'broadcast' | 'reduce' | 'matmul' | 'reshape' | 'transpose' | 'concat' | 'slice' | 'conv'
  | 'state' | 'control' | 'random';

export const OP_FAMILIES: readonly OpFamily[] = ['elementwise', 'broadcast', 'reduce', 'matmul', 'reshape', 'transpose', 'concat', 'slice', 'conv', 'state', 'control', 'random'];

/** The family of each step of shapeSteps, then statefulSteps, in order. */
export const SHAPE_STEP_FAMILIES: readonly OpFamily[] = [
  'elementwise', 'elementwise', 'broadcast', 'broadcast', 'reduce', 'matmul', 'matmul', 'reshape', 'transpose', 'concat', 'slice', 'elementwise', 'reshape', 'conv',
];
export const STATEFUL_STEP_FAMILIES: readonly OpFamily[] = ['state', 'control', 'random'];

/** What a step may use of the generator it runs in. */
export interface Draw {
  readonly r: () => number;
  readonly int: (lo: number, hi: number) => number;
  readonly pick: <T>(xs: readonly T[]) => T;
  readonly chance: (p: number) => boolean;
  readonly values: (n: number) => Float32Array;
  readonly add: (t: tg.Tensor, shape: readonly number[], text: string) => Item;
  readonly leaf: (shape: readonly number[], kinds?: readonly ('const' | 'feed' | 'var')[]) => Item;
  readonly pool: readonly Item[];
  readonly operand: () => Item;
  readonly operandOfRank: (rank: number) => Item | null;
  readonly broadcastPartner: (s: readonly number[]) => number[];
  readonly broadcast: (a: readonly number[], b: readonly number[]) => number[];
  readonly compatible: (a: readonly number[], b: readonly number[]) => boolean;
  readonly randomShape: () => number[];
  readonly maxDim: number;
  readonly graph: tg.Graph;
  readonly listing: string[];
}

export const fmt = (s: readonly number[]): string => `[${s.join(',')}]`;
export const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export const UNARY: readonly [string, (x: tg.Tensor) => tg.Tensor][] = [
  ['relu', (x) => tg.relu(x)],
  ['sigmoid', (x) => tg.sigmoid(x)],
  ['tanh', (x) => tg.tanh(x)],
  ['neg', (x) => tg.neg(x)],
  ['square', (x) => tg.square(x)],
  ['exp(tanh)', (x) => tg.exp(tg.tanh(x))],
  ['mul 1', (x) => tg.mul(x, 1)],
  ['add 0', (x) => tg.add(x, 0)],
  ['mul 0.5', (x) => tg.mul(x, 0.5)],
  ['identity', (x) => tg.identity(x)],
  // discontinuous after arithmetic, and values near float32 overflow: a double intermediate shows
  ['floor(10x)', (x) => tg.floor(tg.mul(x, 10))],
  ['sign(x - 0.3)', (x) => tg.sign(tg.sub(x, 0.3))],
  ['mul 1e20', (x) => tg.mul(x, 1e20)],
];
export const BINARY: readonly [string, (a: tg.Tensor, b: tg.Tensor) => tg.Tensor][] = [
  ['add', (a, b) => tg.add(a, b)],
  ['sub', (a, b) => tg.sub(a, b)],
  ['mul', (a, b) => tg.mul(a, b)],
  ['maximum', (a, b) => tg.maximum(a, b)],
  ['minimum', (a, b) => tg.minimum(a, b)],
  ['squaredDifference', (a, b) => tg.squaredDifference(a, b)],
  ['div by 1+|b|', (a, b) => tg.div(a, tg.add(tg.abs(b), 1))],
];
export const REDUCE: readonly [string, typeof tg.reduceSum][] = [
  ['reduceSum', tg.reduceSum],
  ['reduceMean', tg.reduceMean],
  ['reduceMax', tg.reduceMax],
  ['reduceMin', tg.reduceMin],
];

/** Shapes: everything a pass may get wrong about broadcasting, reducing, reshaping and fusing. */
export function shapeSteps(c: Draw): Step[] {
  const { r, int, pick, chance, add, leaf, pool, operand, operandOfRank, broadcastPartner, broadcast, compatible, maxDim } = c;
  return [
    [3, () => {
      const a = operand();
      const [name, f] = pick(UNARY);
      add(f(a.t), a.shape, `${name}(${a.name})`);
    }],
    [5, () => {
      const a = operand();
      const want = broadcastPartner(a.shape);
      const fromPool = pool.filter((p) => p !== a && compatible(a.shape, p.shape));
      const b = chance(0.35) && fromPool.length ? pick(fromPool) : chance(0.2) && want.length === 0 ? null : leaf(want);
      const [name, f] = pick(BINARY);
      if (b === null) {
        const c = Math.round(r() * 300) / 100 - 1;
        add(f(a.t, tg.constant(c)), a.shape, `${name}(${a.name}, scalar ${c})`);
        return;
      }
      const [x, y] = chance(0.5) ? [a, b] : [b, a];
      add(f(x.t, y.t), broadcast(x.shape, y.shape), `${name}(${x.name}, ${y.name})`);
    }],
    [2, () => {
      const a = operand();
      let target = a.shape.map((d) => (d === 1 && chance(0.7) ? int(2, maxDim) : d));
      if (a.shape.length < 3 && chance(0.4)) target = [int(2, 3), ...target];
      add(tg.broadcastTo(a.t, target), target, `broadcastTo(${a.name}, ${fmt(target)})`);
    }],
    [1, () => {
      const a = operand();
      if (a.shape.length === 0) return;
      const mult = a.shape.map(() => int(1, 3));
      add(tg.tile(a.t, mult), a.shape.map((d, i) => d * mult[i]), `tile(${a.name}, ${fmt(mult)})`);
    }],
    [5, () => {
      const a = operand();
      const [name, f] = pick(REDUCE);
      const rank = a.shape.length;
      const keep = chance(0.5);
      const k = r();
      if (k < 0.35 || rank === 0) {
        add(f(a.t, undefined, keep), keep ? a.shape.map(() => 1) : [], `${name}(${a.name}, all, keepDims=${keep})`);
        return;
      }
      let axes = Array.from({ length: rank }, (_v, i) => i).filter(() => chance(0.5));
      if (axes.length === 0) axes = [int(0, rank - 1)];
      if (k < 0.5) axes = Array.from({ length: rank }, (_v, i) => i); // every axis, listed
      const spelled = axes.map((x) => (chance(0.3) ? x - rank : x));
      const out = keep ? a.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : a.shape.filter((_d, i) => !axes.includes(i));
      const arg = spelled.length === 1 && chance(0.5) ? spelled[0] : spelled;
      add(f(a.t, arg, keep), out, `${name}(${a.name}, ${JSON.stringify(arg)}, keepDims=${keep})`);
    }],
    [1, () => {
      // a batched product: batch dims broadcast between the operands
      const a = operandOfRank(3) ?? operand();
      if (a.shape.length !== 3) return;
      const [bsz, m, k] = a.shape;
      const n = int(1, maxDim);
      const bShape = pick([[k, n], [1, k, n], [bsz, k, n]]);
      const b = leaf(bShape, ['const', 'var', 'feed']);
      add(tg.matMul(a.t, b.t), [bsz, m, n], `batchMatMul(${a.name}, ${b.name})`);
    }],
    [3, () => {
      let a = operand();
      if (a.shape.length !== 2) {
        const flat = a.shape.length === 0 ? [1, 1] : [size(a.shape.slice(0, -1)), a.shape[a.shape.length - 1]];
        a = add(tg.reshape(a.t, flat), flat, `reshape(${a.name}, ${fmt(flat)})`);
      }
      const ta = chance(0.25);
      const tb = chance(0.3);
      const [m, k] = ta ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
      const n = int(1, maxDim);
      const b = leaf(tb ? [n, k] : [k, n], ['const', 'var', 'var', 'feed']);
      let y = tg.matMul(a.t, b.t, { transposeA: ta, transposeB: tb });
      let text = `matMul(${a.name}, ${b.name}, transposeA=${ta}, transposeB=${tb})`;
      if (chance(0.3)) {
        // a per-channel scale: batch-norm folding multiplies it into constant weights
        const scale = leaf(pick([[n], [1, n], [m, n]]), ['const']);
        y = tg.mul(y, scale.t);
        text = `mul(${text}, ${scale.name})`;
      } else if (chance(0.6)) {
        const bias = leaf(chance(0.7) ? [n] : [1, n], ['const', 'var']);
        y = chance(0.5) ? tg.add(y, bias.t) : tg.nn.biasAdd(y, tg.reshape(bias.t, [n]));
        text = `add(${text}, ${bias.name})`;
        if (chance(0.6)) {
          y = tg.relu(y);
          text = `relu(${text})`;
        }
      }
      add(y, [m, n], text);
    }],
    [2, () => {
      const a = operand();
      const total = size(a.shape);
      const dims: number[] = [];
      let left = total;
      while (left > 1 && dims.length < 3) {
        const divs = Array.from({ length: left }, (_v, i) => i + 1).filter((d) => left % d === 0 && d <= maxDim * 2);
        const d = pick(divs);
        dims.push(d);
        left /= d;
      }
      if (left !== 1) dims.push(left);
      if (chance(0.3)) dims.push(1);
      const spelled = dims.length > 0 && chance(0.3) ? dims.map((d, i) => (i === 0 ? -1 : d)) : dims;
      add(tg.reshape(a.t, spelled), dims, `reshape(${a.name}, ${fmt(spelled)})`);
    }],
    [2, () => {
      const a = operandOfRank(pick([2, 3])) ?? operand();
      if (a.shape.length < 2) return;
      const perm = a.shape.map((_d, i) => i).sort(() => r() - 0.5);
      const t = add(tg.transpose(a.t, perm), perm.map((p) => a.shape[p]), `transpose(${a.name}, ${fmt(perm)})`);
      if (chance(0.3)) {
        // a single-value constant of any rank after a transpose: layout may sink the transpose below it
        const ones = Array.from({ length: int(0, 4) }, () => 1);
        const c = leaf(ones, ['const']);
        const [name, f] = pick(BINARY.slice(0, 5));
        add(f(t.t, c.t), broadcast(t.shape, ones), `${name}(${t.name}, ${c.name})`);
      }
    }],
    [2, () => {
      const a = operand();
      if (a.shape.length === 0) return;
      const axis = int(0, a.shape.length - 1);
      const other = a.shape.map((d, i) => (i === axis ? int(1, 3) : d));
      const same = pool.filter((p) => p !== a && p.shape.length === a.shape.length && p.shape.every((d, i) => i === axis || d === a.shape[i]));
      const b = same.length && chance(0.5) ? pick(same) : leaf(other);
      const [x, y] = chance(0.5) ? [a, b] : [b, a];
      const spelled = chance(0.3) ? axis - a.shape.length : axis;
      add(tg.concat([x.t, y.t], spelled), a.shape.map((d, i) => (i === axis ? x.shape[i] + y.shape[i] : d)), `concat([${x.name}, ${y.name}], ${spelled})`);
    }],
    [2, () => {
      const a = operand();
      if (a.shape.length === 0 || size(a.shape) === 0) return;
      const begin = a.shape.map((d) => int(0, d - 1));
      const sz = a.shape.map((d, i) => (chance(0.2) ? -1 : int(1, d - begin[i])));
      const out = a.shape.map((d, i) => (sz[i] === -1 ? d - begin[i] : sz[i]));
      add(tg.slice(a.t, begin, sz), out, `slice(${a.name}, ${fmt(begin)}, ${fmt(sz)})`);
    }],
    [2, () => {
      // comparisons, selects and casts inside regions: dtype changes where shapes broadcast
      const a = operand();
      const b = leaf(broadcastPartner(a.shape), ['const', 'feed']);
      const out = broadcast(a.shape, b.shape);
      const k = int(0, 2);
      if (k === 0) add(tg.where(tg.greater(a.t, b.t), a.t, b.t), out, `where(greater(${a.name}, ${b.name}), ${a.name}, ${b.name})`);
      else if (k === 1) add(tg.add(tg.cast(tg.greater(a.t, b.t), 'float32'), a.t), out, `add(cast(greater(${a.name}, ${b.name}), float32), ${a.name})`);
      else add(tg.mul(tg.cast(tg.cast(tg.mul(a.t, 3), 'int32'), 'float32'), b.t), out, `mul(cast(cast(mul(${a.name}, 3), int32), float32), ${b.name})`);
    }],
    [1, () => {
      const a = operand();
      const rank = a.shape.length;
      if (rank < 4 && chance(0.6)) {
        const axis = int(-rank - 1, rank);
        const at = axis < 0 ? axis + rank + 1 : axis;
        add(tg.expandDims(a.t, axis), [...a.shape.slice(0, at), 1, ...a.shape.slice(at)], `expandDims(${a.name}, ${axis})`);
        return;
      }
      const ones = a.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
      if (ones.length === 0) return;
      add(tg.squeeze(a.t), a.shape.filter((d) => d !== 1), `squeeze(${a.name})`);
    }],
    [2, () => {
      // a small convolution (NHWC or NCHW, so layout fires), with bias, activation, a pool, a
      // per-channel scale or an inference batch norm (so batch-norm folding fires on constant filters)
      const a = operand();
      const total = size(a.shape);
      const nchw = chance(0.4);
      const [n, h, w] = total % 4 === 0 && total >= 8 ? [total / 4 / 2 >= 1 && chance(0.5) ? 2 : 1, 2, 2] : [1, 1, 1];
      const c = total / (n * h * w);
      if (!Number.isInteger(c) || c < 1 || c > 8) return;
      const nhwcShape = [n, h, w, c];
      const inShape = nchw ? [n, c, h, w] : nhwcShape;
      const x = add(tg.reshape(a.t, inShape), inShape, `reshape(${a.name}, ${fmt(inShape)})`);
      const k = int(1, 2);
      const cout = int(1, 3);
      const f = leaf([k, k, c, cout], ['const', 'const', 'var']);
      const stride = int(1, 2);
      const padding = chance(0.5) || h < k ? 'SAME' : 'VALID';
      const dataFormat = nchw ? 'NCHW' : 'NHWC';
      const strides = nchw ? [1, 1, stride, stride] : [1, stride, stride, 1];
      const od = (d: number): number => (padding === 'SAME' ? Math.ceil(d / stride) : Math.floor((d - k) / stride) + 1);
      const outShape = nchw ? [n, cout, od(h), od(w)] : [n, od(h), od(w), cout];
      let y = tg.nn.conv2d(x.t, f.t, { strides, padding, dataFormat });
      let text = `conv2d(${x.name}, ${f.name}, strides=${fmt(strides)}, ${padding}, ${dataFormat})`;
      const what = r();
      if (what < 0.3) {
        const bias = leaf([cout], ['const', 'var']);
        y = tg.nn.relu(tg.nn.biasAdd(y, bias.t, { dataFormat }));
        text = `relu(biasAdd(${text}, ${bias.name}, ${dataFormat}))`;
      } else if (what < 0.6 && !nchw) {
        const scale = leaf([cout], ['const']);
        y = tg.mul(y, scale.t);
        text = `mul(${text}, ${scale.name})`;
      } else if (what < 0.85) {
        const [sc, of, mu, va] = [leaf([cout], ['const']), leaf([cout], ['const']), leaf([cout], ['const']), leaf([cout], ['const'])];
        y = tg.nn.fusedBatchNorm(y, sc.t, of.t, { mean: mu.t, variance: tg.add(tg.abs(va.t), 0.5), isTraining: false, dataFormat })[0];
        text = `fusedBatchNorm(${text}, ${sc.name}, ${of.name}, ${mu.name}, |${va.name}|+0.5, ${dataFormat})`;
      }
      add(y, outShape, text);
      if (chance(0.4)) {
        const last = pool[pool.length - 1];
        const ps = [1, 1, 1, 1];
        const pooled = chance(0.5) ? tg.nn.maxPool(last.t, { ksize: ps, strides: ps, padding: 'SAME', dataFormat }) : tg.nn.avgPool(last.t, { ksize: ps, strides: ps, padding: 'VALID', dataFormat });
        add(pooled, outShape, `pool1x1(${last.name}, ${dataFormat})`);
      }
    }],
  ];
}

/** State and order: assignments under control dependencies, ordering edges, seeded random ops. */
export function statefulSteps(c: Draw): Step[] {
  const { int, pick, chance, values, add, operand, graph, listing, randomShape } = c;
  let stateCount = 0;
  return [
    [3, () => {
      // two updates of one variable, the second ordered after the first by a control dependency:
      // a pass that drops the edge or moves an update changes the second's result
      const a = operand();
      const s = new tg.Variable(tg.constant(values(size(a.shape)), { shape: a.shape }), { name: `s${stateCount++}`, trainable: false });
      const verbs = ['assign', 'assignAdd', 'assignSub'] as const;
      const first = verbs[int(0, 2)];
      const second = verbs[int(1, 2)];
      const u1 = s[first](a.t);
      const u2 = graph.controlDependencies([u1.op], () => s[second](a.t));
      listing.push(`${s.op.name} = variable ${fmt(a.shape)}; ${first}(${s.op.name}, ${a.name})`);
      add(tg.stopGradient(u2), a.shape, `${second}(${s.op.name}, ${a.name}) after the ${first}`);
    }],
    [1, () => {
      // a pure value computed after another under a control dependency (order only, same value)
      const a = operand();
      const b = operand();
      const [name, f] = pick(UNARY);
      add(graph.controlDependencies([b.t.op], () => f(a.t)), a.shape, `${name}(${a.name}) after ${b.name}`);
    }],
    [2, () => {
      // seeded random values: the same on every run and every backend, so a pass may not reseed or merge them
      const shape = randomShape();
      const seed = int(1, 1000);
      const normal = chance(0.5);
      const t = normal ? tg.randomNormal(shape, { seed }) : tg.randomUniform(shape, { seed });
      add(t, shape, `${normal ? 'randomNormal' : 'randomUniform'}(${fmt(shape)}, seed=${seed})`);
    }],
  ];
}
