import * as tg from '../../src/index.js';

/**
 * Seeded random graphs for differential compiler tests: everything a pass may get wrong about
 * shapes. Broadcasts (explicit BroadcastTo and Tile, implicit binary broadcasting with scalars,
 * [n], [1,n] against [m,1], operands larger than the other side), full and partial reductions
 * with keepDims, MatMuls (with bias and activation, so epilogue fusion fires), reshapes and
 * transposes between fused ops, concat and slice, and tg.gradients of a scalar loss with
 * respect to every variable and placeholder; sometimes an optimizer step as well.
 *
 * Independent of mocha and chai, so tools (the compiler fuzz script, a pass author's check) can
 * use it. A graph is a pure function of its seed and options; `listing` is a readable
 * reproducer of what was built.
 */

/** mulberry32: small, seeded, the same on every platform. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomGraphOptions {
  /** Most ops drawn after the leaves (default 12). */
  readonly maxOps?: number;
  /** Largest dimension drawn (default 4): keeps the tensors small and the runs fast. */
  readonly maxDim?: number;
  /** Chance of adding an optimizer step (default 0.3). */
  readonly trainChance?: number;
}

export interface RandomGraph {
  readonly seed: number;
  readonly options: RandomGraphOptions;
  readonly graph: tg.Graph;
  /** Forward values, then the gradients (never null ones). */
  readonly fetches: readonly tg.Tensor[];
  /** A name per fetch, for messages. */
  readonly fetchNames: readonly string[];
  readonly feeds: ReadonlyMap<tg.Tensor, tg.NDArray>;
  /** Initialises every variable (null when there are none). */
  readonly init: tg.Operation | null;
  /** An optimizer step over the loss, run twice before a second fetch (null when not drawn). */
  readonly train: tg.Operation | null;
  readonly variables: readonly tg.Variable[];
  /** One line per op built: the reproducer's body. */
  readonly listing: readonly string[];
}

interface Item {
  readonly t: tg.Tensor;
  readonly shape: readonly number[];
  readonly name: string;
}

const fmt = (s: readonly number[]): string => `[${s.join(',')}]`;
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export function randomGraph(seed: number, options: RandomGraphOptions = {}): RandomGraph {
  const r = rng(seed);
  const maxDim = options.maxDim ?? 4;
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number): boolean => r() < p;
  // three decimals, or one now and then: 0.7f * 10 is 7 in float32 and 6.99999988 in double
  const values = (n: number): Float32Array => {
    const scale = chance(0.3) ? 10 : 1000;
    return Float32Array.from({ length: n }, () => Math.round((r() * 2 - 1) * scale) / scale || 0.125);
  };

  const graph = new tg.Graph();
  const listing: string[] = [];
  const feeds = new Map<tg.Tensor, tg.NDArray>();
  const variables: tg.Variable[] = [];
  const placeholders: tg.Tensor[] = [];
  const pool: Item[] = [];
  let counter = 0;

  const add = (t: tg.Tensor, shape: readonly number[], text: string): Item => {
    const name = `t${counter++}`;
    const item = { t, shape, name };
    listing.push(`${name}${fmt(shape)} = ${text}`);
    pool.push(item);
    return item;
  };

  /** A new leaf of `shape`: a constant, a fed placeholder (sometimes with an unknown dim) or a variable. */
  const leaf = (shape: readonly number[], kinds: readonly ('const' | 'feed' | 'var')[] = ['const', 'feed', 'var']): Item => {
    const data = values(size(shape));
    const kind = pick(kinds);
    if (kind === 'const') return add(tg.constant(data, { shape }), shape, `const ${fmt(shape)} ${JSON.stringify(Array.from(data))}`);
    if (kind === 'feed') {
      const declared = shape.length > 0 && chance(0.3) ? [null, ...shape.slice(1)] : [...shape];
      const p = tg.placeholder('float32', declared, `p${placeholders.length}`);
      placeholders.push(p);
      feeds.set(p, new tg.NDArray('float32', [...shape], data));
      return add(p, shape, `placeholder ${fmt(declared.map((d) => d ?? -1))} fed ${JSON.stringify(Array.from(data))}`);
    }
    const v = new tg.Variable(tg.constant(data, { shape }), { name: `v${variables.length}` });
    variables.push(v);
    return add(v.value(), shape, `variable ${fmt(shape)} ${JSON.stringify(Array.from(data))}`);
  };

  // now and then an empty dim: reductions of nothing, MatMuls over k = 0
  const randomShape = (): number[] => Array.from({ length: int(0, 3) }, () => (chance(0.03) ? 0 : int(1, maxDim)));
  /** Recent values are drawn more often, so chains form; older ones give shared subexpressions. */
  const operand = (): Item => (chance(0.6) ? pool[pool.length - 1 - Math.floor(r() * Math.min(3, pool.length))] : pick(pool));
  const operandOfRank = (rank: number): Item | null => {
    const fits = pool.filter((p) => p.shape.length === rank);
    return fits.length ? pick(fits) : null;
  };

  /** A shape that broadcasts against `s`: scalar, a suffix, 1s in places, the same, or one that makes the result larger. */
  const broadcastPartner = (s: readonly number[]): number[] => {
    const k = r();
    if (k < 0.15) return [];
    if (k < 0.3) return s.slice(int(0, s.length));
    if (k < 0.5) return s.map((d) => (chance(0.5) ? 1 : d));
    if (k < 0.65) return [...s];
    if (k < 0.85) return s.map((d) => (d === 1 ? int(1, maxDim) : chance(0.4) ? 1 : d)); // [m,1] vs [1,n]
    return [int(1, 3), ...s.map((d) => (chance(0.3) ? 1 : d))]; // a leading dim the other side lacks
  };
  const broadcast = (a: readonly number[], b: readonly number[]): number[] => {
    const n = Math.max(a.length, b.length);
    return Array.from({ length: n }, (_v, i) => {
      const x = a[a.length - n + i] ?? 1;
      const y = b[b.length - n + i] ?? 1;
      return x === 1 ? y : x;
    });
  };
  const compatible = (a: readonly number[], b: readonly number[]): boolean => {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[a.length - n + i] ?? 1;
      const y = b[b.length - n + i] ?? 1;
      if (x !== y && x !== 1 && y !== 1) return false;
    }
    return n <= 4;
  };

  const UNARY: readonly [string, (x: tg.Tensor) => tg.Tensor][] = [
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
  const BINARY: readonly [string, (a: tg.Tensor, b: tg.Tensor) => tg.Tensor][] = [
    ['add', (a, b) => tg.add(a, b)],
    ['sub', (a, b) => tg.sub(a, b)],
    ['mul', (a, b) => tg.mul(a, b)],
    ['maximum', (a, b) => tg.maximum(a, b)],
    ['minimum', (a, b) => tg.minimum(a, b)],
    ['squaredDifference', (a, b) => tg.squaredDifference(a, b)],
    ['div by 1+|b|', (a, b) => tg.div(a, tg.add(tg.abs(b), 1))],
  ];
  const REDUCE: readonly [string, typeof tg.reduceSum][] = [
    ['reduceSum', tg.reduceSum],
    ['reduceMean', tg.reduceMean],
    ['reduceMax', tg.reduceMax],
    ['reduceMin', tg.reduceMin],
  ];

  const steps: readonly [number, () => void][] = [
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
  const totalWeight = steps.reduce((s, [w]) => s + w, 0);

  const built = graph.asDefault(() => {
    const nLeaves = int(1, 3);
    for (let i = 0; i < nLeaves; i++) leaf(randomShape());
    const nOps = int(3, options.maxOps ?? 12);
    for (let i = 0; i < nOps; i++) {
      let w = r() * totalWeight;
      const step = steps.find(([weight]) => (w -= weight) < 0) ?? steps[0];
      step[1]();
    }
    // outputs: the last values, and a few drawn from anywhere (partial results are fetched too)
    const outs = [...new Set([...pool.slice(-2), pick(pool), pick(pool)])];
    const lossTerms = outs.map((o) => (chance(0.5) ? tg.reduceSum(o.t) : tg.reduceMean(o.t)));
    const loss = lossTerms.length === 1 ? lossTerms[0] : tg.addN(lossTerms);
    listing.push(`loss = ${outs.map((o) => `reduce(${o.name})`).join(' + ')}`);
    const wrt = [...variables.map((v) => v.value()), ...placeholders];
    const grads = wrt.length ? tg.gradients(loss, wrt) : [];
    const fetches: tg.Tensor[] = [...outs.map((o) => o.t), loss];
    const fetchNames: string[] = [...outs.map((o) => o.name), 'loss'];
    grads.forEach((g, i) => {
      if (!g) return;
      fetches.push(g);
      fetchNames.push(`d loss / d ${i < variables.length ? `v${i}` : `p${i - variables.length}`}`);
    });
    // the gradient of a non-scalar value too (its implicit all-ones seed is itself a broadcast)
    const wide = outs.find((o) => o.shape.length > 0);
    if (wide && wrt.length && chance(0.5)) {
      const k = int(0, wrt.length - 1);
      const [gw] = tg.gradients(wide.t, [wrt[k]]);
      if (gw) {
        fetches.push(gw);
        fetchNames.push(`d ${wide.name} / d ${k < variables.length ? `v${k}` : `p${k - variables.length}`}`);
        listing.push(`also fetched: gradient of ${wide.name} (not reduced) with respect to ${k < variables.length ? `v${k}` : `p${k - variables.length}`}`);
      }
    }
    let train: tg.Operation | null = null;
    const trained = variables.filter((_v, i) => grads[i] !== null);
    if (trained.length && chance(options.trainChance ?? 0.3)) {
      const which = int(0, 2);
      const opt = which === 0 ? new tg.train.GradientDescentOptimizer(0.05) : which === 1 ? new tg.train.MomentumOptimizer(0.05, 0.9) : new tg.train.AdamOptimizer(0.01);
      train = opt.minimize(loss, { varList: trained });
      listing.push(`train = ${['GradientDescent', 'Momentum', 'Adam'][which]}.minimize(loss)`);
    }
    const init = tg.globalVariables().length ? tg.globalVariablesInitializer() : null;
    return { fetches, fetchNames, train, init };
  });
  return { seed, options, graph, feeds, variables, listing, ...built };
}
