/** ONNX Runtime (native, default threads) as a bench peer, on our own graphs exported to ONNX. */
import * as ort from 'onnxruntime-node';
import * as tg from '../src/index.js';
import { buildOurs } from './ours.js';
import { fingerprint, input, timeRuns } from './workloads.js';
import type { Result, Workload } from './workloads.js';

/** Inference workloads only: training steps do not export. */
export async function runOrt(w: Workload): Promise<Result> {
  if (w.id === 'mlpTrain' || w.id === 'lenetTrain') return { error: 'training graphs are not exported to ONNX' };
  const m = buildOurs(w.id);
  const fetch = m.fetch as tg.Tensor;
  const bytes = tg.onnx.exportModel(m.graph.toGraphDef(), { inputs: m.inputs.map((t) => t.name), outputs: [fetch.name], opset: 17 });
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    input(w.id).forEach((v, i) => (feeds[m.inputs[i].name] = new ort.Tensor('float32', v.data, v.shape)));
    const first = (await session.run(feeds))[fetch.name].data as Float32Array;
    const ms = await timeRuns(w.runs, () => session.run(feeds));
    return { ms, check: fingerprint(first), size: first.length };
  } finally {
    await session.release();
  }
}
