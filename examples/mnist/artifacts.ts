import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tg from 'tensorgraph';
import { evaluate } from './train.js';
import type { MnistGraph } from './model.js';
import type { Digits } from './data.js';

/** A Saver keeping the last 3 checkpoints, saving into `dir/model-<global step>`. */
export function epochSaver(dir: string): (epoch: number, sess: tg.Session, m: MnistGraph) => Promise<void> {
  let saver: tg.train.Saver | null = null;
  return async (_epoch, sess, m) => {
    fs.mkdirSync(dir, { recursive: true });
    saver ??= m.graph.asDefault(() => new tg.train.Saver({ maxToKeep: 3 }));
    await saver.save(sess, path.join(dir, 'model'), { globalStep: m.globalStep });
  };
}

/** Restores the latest checkpoint of `dir` into a fresh session and measures accuracy there. */
export async function restoreLatest(m: MnistGraph, test: Digits, dir: string): Promise<{ checkpoint: string; accuracy: number }> {
  const latest = tg.train.latestCheckpoint(dir);
  if (!latest) throw new tg.NotFoundError(`No checkpoint found in ${dir}`);
  const saver = m.graph.asDefault(() => new tg.train.Saver());
  const fresh = new tg.Session({ graph: m.graph });
  await saver.restore(fresh, latest);
  const accuracy = await evaluate(fresh, m, test);
  fresh.close();
  return { checkpoint: latest, accuracy };
}

/** Freezes the inference graph (images → probs) with the session's weights into a GraphDef file. */
export function freeze(sess: tg.Session, m: MnistGraph, file: string): tg.GraphDef {
  const frozen = tg.graphUtil.convertVariablesToConstants(sess, m.graph.toGraphDef(), [m.probs.op.name]);
  fs.writeFileSync(file, tg.graphUtil.encodeGraphDef(frozen));
  return frozen;
}

/** Exports the frozen graph (images:0 → probs:0) to ONNX, opset 17. */
export function exportOnnx(frozen: tg.GraphDef, m: MnistGraph, file: string): Uint8Array {
  const bytes = tg.onnx.exportModel(frozen, { inputs: [m.images.name], outputs: [m.probs.name], opset: 17 });
  fs.writeFileSync(file, bytes);
  return bytes;
}

/**
 * Runs the ONNX model in ONNX Runtime on every test digit and compares its predicted classes (and
 * probabilities) with tensorgraph's own session. `m` names the image input and the probabilities
 * in both (the main job's graph, or the fine-tuning example's imported one).
 */
export async function compareWithOnnxRuntime(
  bytes: Uint8Array,
  sess: tg.Session,
  m: Pick<MnistGraph, 'images' | 'probs'>,
  test: Pick<Digits, 'images' | 'count'>,
): Promise<{ agree: number; total: number; maxAbsDiff: number }> {
  const ort = await import('onnxruntime-node');
  const ortSession = await ort.InferenceSession.create(bytes);
  const ours = (await sess.run(m.probs, new Map<tg.Tensor, tg.FeedValue>([[m.images, { data: test.images, shape: [test.count, 784] }]]))) as tg.NDArray;
  const result = await ortSession.run({ [m.images.name]: new ort.Tensor('float32', test.images, [test.count, 784]) });
  const theirs = result[m.probs.name].data as Float32Array;
  let agree = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < test.count; i++) {
    let a = 0;
    let b = 0;
    for (let c = 0; c < 10; c++) {
      const k = i * 10 + c;
      if (ours.data[k] > ours.data[i * 10 + a]) a = c;
      if (theirs[k] > theirs[i * 10 + b]) b = c;
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ours.data[k] - theirs[k]));
    }
    if (a === b) agree++;
  }
  await ortSession.release();
  return { agree, total: test.count, maxAbsDiff };
}
