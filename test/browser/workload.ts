import type * as TG from '../../src/index.js';

/*
 * What the browser test runs in the page and again in Node. It takes the library as a parameter
 * and imports nothing at run time (the import above is a type), so the page can load the compiled
 * file as it is, next to the bundle.
 */

export interface WorkloadResult {
  /** The loss before each of the training steps. */
  losses: number[];
  /** The weights and bias after the last step. */
  weights: number[];
  bias: number;
  /** Byte-level file functions: GraphDef encode → importGraphDef(bytes), freeze, ONNX export. */
  graphDefBytes: number;
  importedOps: number;
  onnxBytes: number;
  /** The exported ONNX model imported back (tg.onnx.importModel on bytes) and run on the points. */
  onnxImported: number[];
  /** An event file built in memory (summary.BytesWriter) and read back: each event's step, the last loss summary. */
  eventSteps: number[];
  summaryLoss: number | undefined;
  /** What a path-taking function says where there is no file system (null where there is one). */
  fileError: { name: string; message: string } | null;
}

/** y = X·[2, -1, 0.5] + 0.25 on 8 fixed points; a dense layer by hand, trained by gradient descent. */
export async function runWorkload(tg: typeof TG, steps: number): Promise<WorkloadResult> {
  const xs = [
    [0.1, 0.2, 0.3],
    [0.5, -0.4, 0.2],
    [-0.3, 0.8, -0.6],
    [0.9, 0.1, -0.2],
    [-0.7, -0.5, 0.4],
    [0.2, 0.6, 0.9],
    [-0.1, -0.9, -0.3],
    [0.4, 0.3, -0.8],
  ];
  const ys = xs.map((r) => [2 * r[0] - r[1] + 0.5 * r[2] + 0.25]);
  const graph = new tg.Graph();
  const { x, y, w, b, loss, train, output, lossSummary } = graph.asDefault(() => {
    const x = tg.placeholder('float32', [null, 3], 'x');
    const y = tg.placeholder('float32', [null, 1], 'y');
    const w = new tg.Variable(tg.zeros([3, 1]), { name: 'w' });
    const b = new tg.Variable(tg.zeros([1]), { name: 'b' });
    const output = tg.add(tg.matMul(x, w), b, 'output');
    const loss = tg.reduceMean(tg.square(tg.sub(output, y)), undefined, false, 'loss');
    const train = new tg.train.GradientDescentOptimizer(0.3).minimize(loss);
    const lossSummary = tg.summary.scalar('loss', loss);
    return { x, y, w, b, loss, train, output, lossSummary };
  });
  const sess = new tg.Session({ graph });
  await sess.run(graph.asDefault(() => tg.globalVariablesInitializer()));
  const feeds = new Map<TG.Tensor, TG.FeedValue>([
    [x, xs],
    [y, ys],
  ]);
  const losses: number[] = [];
  const events = new tg.summary.BytesWriter(graph);
  for (let i = 0; i < steps; i++) {
    const [l, , s] = await sess.run([loss, train, lossSummary], feeds);
    losses.push(l.item());
    events.addSummary(s, i);
  }
  const eventsRead = tg.summary.readEvents(events.bytes());
  const [wv, bv] = await sess.run([w, b]);

  const graphDef = tg.graphUtil.encodeGraphDef(graph.toGraphDef());
  const copy = new tg.Graph();
  tg.importGraphDef(graphDef, { graph: copy });
  const frozen = tg.graphUtil.convertVariablesToConstants(sess, graph.toGraphDef(), [output.op.name]);
  const onnx = tg.onnx.exportModel(frozen, { inputs: [x.name], outputs: [output.name] });
  sess.close();
  const back = await tg.onnx.importModel(onnx);
  const onnxImported = (await new tg.Session({ graph: back.graph }).run(back.outputs[0], new Map([[back.inputs[0], xs]]))) as TG.NDArray;

  let fileError: WorkloadResult['fileError'] = null;
  try {
    tg.train.latestCheckpoint('checkpoints');
  } catch (e) {
    fileError = { name: (e as Error).constructor.name, message: (e as Error).message };
  }
  return {
    losses,
    weights: Array.from(wv.data as Float32Array),
    bias: bv.item(),
    graphDefBytes: graphDef.length,
    importedOps: copy.getOperations().length,
    onnxBytes: onnx.length,
    onnxImported: Array.from(onnxImported.data as Float32Array),
    eventSteps: eventsRead.map((e) => e.step),
    summaryLoss: eventsRead[eventsRead.length - 1].summary?.value[0].simple_value,
    fileError,
  };
}
