import * as tg from './tg.js';
import { Draw, fmt, Item, OP_FAMILIES, type OpFamily, SHAPE_STEP_FAMILIES, shapeSteps, size, STATEFUL_STEP_FAMILIES, statefulSteps, Step } from './random_graph_steps.js';

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
  /**
   * Also draw state and order (default false, so the seeds of older tests keep their graphs):
   * assignments to variables read back under a control dependency, control dependencies between
   * pure values, and seeded random ops.
   */
  readonly stateful?: boolean;
  /** Fetch the gradients of the loss (default true). */
  readonly gradients?: boolean;
  /**
   * Draw only ops of these families (default: all). Leaves, the loss and its gradients are always
   * built; 'state', 'control' and 'random' also need `stateful`.
   */
  readonly ops?: readonly OpFamily[];
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

  const draw: Draw = { r, int, pick, chance, values, add, leaf, pool, operand, operandOfRank, broadcastPartner, broadcast, compatible, randomShape, maxDim, graph, listing };
  const steps = chooseSteps(draw, options);
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
      if (!g || options.gradients === false) return;
      fetches.push(g);
      fetchNames.push(`d loss / d ${i < variables.length ? `v${i}` : `p${i - variables.length}`}`);
    });
    // the gradient of a non-scalar value too (its implicit all-ones seed is itself a broadcast)
    const wide = outs.find((o) => o.shape.length > 0);
    if (wide && wrt.length && options.gradients !== false && chance(0.5)) {
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

/** The weighted steps the options allow; the full tables (and so the same graphs per seed) by default. */
function chooseSteps(draw: Draw, options: RandomGraphOptions): readonly Step[] {
  const shape = shapeSteps(draw);
  const stateful = options.stateful ? statefulSteps(draw) : [];
  const families = [...SHAPE_STEP_FAMILIES, ...(options.stateful ? STATEFUL_STEP_FAMILIES : [])];
  const all = [...shape, ...stateful];
  if (families.length !== all.length) throw new tg.InternalError(`randomGraph: ${all.length} steps but ${families.length} family tags`);
  if (options.ops === undefined) return all;
  for (const f of options.ops) {
    if (!OP_FAMILIES.includes(f)) throw new tg.InvalidArgumentError(`randomGraph: unknown op family '${String(f)}'; known: ${OP_FAMILIES.join(', ')}`);
  }
  const chosen = all.filter((_s, i) => options.ops!.includes(families[i]));
  if (chosen.length === 0) {
    throw new tg.InvalidArgumentError(`randomGraph: no op to draw from families [${options.ops.join(', ')}]${options.stateful ? '' : " ('state', 'control' and 'random' need stateful: true)"}`);
  }
  return chosen;
}
