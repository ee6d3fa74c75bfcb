import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { tempDir } from './fixtures.js';
import { BundleReader, writeBundle } from '../../serialization/checkpoint/bundle.js';

/** A deterministic PRNG so a failing iteration can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const kind = r();
  if (kind < 0.2) return src.slice(0, Math.floor(r() * src.length));
  const out = Uint8Array.from(src);
  const flips = 1 + Math.floor(r() * 4);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(r() * out.length);
    out[at] = kind < 0.6 ? out[at] ^ (1 << Math.floor(r() * 8)) : Math.floor(r() * 256);
  }
  return out;
}

/**
 * Mutates a saved checkpoint and GraphDef `iterations` times; each load must succeed or throw a
 * typed TensorGraphError. Returns counts; throws on the first untyped failure.
 */
export async function fuzzFiles(iterations: number, seed = 1): Promise<{ ok: number; typed: number }> {
  const dir = tempDir('fuzz');
  const g = new tg.Graph();
  const { sess, saver } = await g.asDefault(async () => {
    const w = new tg.Variable(tg.NDArray.from([[1, 2, 3], [4, 5, 6]]), { name: 'W' });
    const b = new tg.Variable(tg.NDArray.from([1, 2, 3], undefined, 'int32'), { name: 'b' });
    tg.reduceSum(tg.matMul(tg.placeholder('float32', [null, 2], 'x'), w), 1, false, 'out');
    void b;
    // a string Const: the GraphDef and .meta mutations reach string_val decoding too
    tg.identity(tg.constant(['a', 'bc', ''], 'names'), 'names_out');
    const sess = new tg.Session({ graph: g });
    await sess.run(tg.globalVariablesInitializer(g));
    return { sess, saver: new tg.train.Saver({ graph: g }) };
  });
  const saved = await saver.save(sess, join(dir, 'orig'));
  // the checkpoint also holds string tensors (as every TF2 checkpoint holds its object graph), so
  // that mutations reach the string layout's varint lengths and checksums
  const prefix = join(dir, 'with_strings');
  const orig = new BundleReader(saved);
  const tensors = new Map(orig.names().map((n) => [n, orig.read(n)] as const));
  tensors.set('_CHECKPOINTABLE_OBJECT_GRAPH', tg.NDArray.fromStrings(['\n\x05graph bytes'], []));
  tensors.set('vocab', tg.NDArray.fromStrings(['alpha', '', 'γάμμα', 'd'.repeat(200)], [2, 2]));
  writeBundle(prefix, tensors);
  writeFileSync(`${prefix}.meta`, readFileSync(`${saved}.meta`));
  const files = {
    index: readFileSync(`${prefix}.index`),
    data: readFileSync(`${prefix}.data-00000-of-00001`),
    meta: readFileSync(`${prefix}.meta`),
  };
  const graphDef = tg.graphUtil.encodeGraphDef(g.toGraphDef());
  const r = rng(seed);
  let ok = 0;
  let typed = 0;
  for (let it = 0; it < iterations; it++) {
    const target = Math.floor(r() * 4);
    const mp = join(dir, `m${it % 4}`);
    const run = async () => {
      if (target === 3) {
        tg.importGraphDef(mutate(graphDef, r), { graph: new tg.Graph() });
        return;
      }
      writeFileSync(`${mp}.index`, target === 0 ? mutate(files.index, r) : files.index);
      writeFileSync(`${mp}.data-00000-of-00001`, target === 1 ? mutate(files.data, r) : files.data);
      writeFileSync(`${mp}.meta`, target === 2 ? mutate(files.meta, r) : files.meta);
      if (target === 2) {
        tg.train.importMetaGraph(`${mp}.meta`, { graph: new tg.Graph() });
        return;
      }
      await saver.restore(sess, mp);
      // every entry, the string ones included, is listed and read (tg.train.loadVariable's path)
      const reader = new BundleReader(mp);
      for (const n of reader.names()) reader.read(n);
    };
    try {
      await run();
      ok++;
    } catch (e) {
      if (!(e instanceof tg.TensorGraphError)) {
        throw new Error(`fuzz iteration ${it} (seed ${seed}, target ${['index', 'data', 'meta', 'graphdef'][target]}): untyped ${String(e)}`);
      }
      typed++;
    }
  }
  return { ok, typed };
}
