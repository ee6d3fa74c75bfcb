import { expect } from 'chai';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import * as tg from '../../../src/index.js';

const { onnx } = onnxProto;

export type Feeds = Record<string, tg.NDArray>;

const ORT_TYPE = { float32: 'float32', int32: 'int32', int64: 'int64', bool: 'bool', resource: 'int32' , string: 'string' } as const;

function toOrt(a: tg.NDArray): ort.Tensor {
  if (a.dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(Array.from(a.data as Int32Array, (v) => BigInt(v))), [...a.shape]);
  if (a.dtype === 'bool') return new ort.Tensor('bool', Uint8Array.from(a.data as Uint8Array), [...a.shape]);
  return new ort.Tensor(ORT_TYPE[a.dtype], a.data as Float32Array | Int32Array, [...a.shape]);
}

/** Runs an exported model in ONNX Runtime; outputs as plain numbers with their dims. */
export async function runOrt(model: Uint8Array, feeds: Feeds, outputs: readonly string[]): Promise<{ data: number[]; dims: number[]; type: string }[]> {
  const session = await ort.InferenceSession.create(model);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = toOrt(v);
  const res = await session.run(ortFeeds);
  return outputs.map((name) => {
    const t = res[name];
    const data = Array.from(t.data as ArrayLike<number | bigint | boolean>, (v) => Number(v));
    return { data, dims: [...t.dims], type: t.type };
  });
}

/** Runs the graph in a tensorgraph Session. */
export async function runTg(graph: tg.Graph, feeds: Feeds, outputs: readonly string[]): Promise<tg.NDArray[]> {
  const sess = new tg.Session({ graph });
  const res = await sess.run(outputs as string[], feeds);
  return res as tg.NDArray[];
}

/** Asserts ORT's outputs equal the Session's: same dims, values within 1e-5 relative + 1e-5 absolute. */
export function expectClose(actual: { data: number[]; dims: number[] }, expected: tg.NDArray, label: string, tol = 1e-5): void {
  expect(actual.dims, `${label}: dims`).to.deep.equal([...expected.shape]);
  const want = Array.from(expected.data as ArrayLike<number>, Number);
  expect(actual.data.length, `${label}: size`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = actual.data[i];
    const e = want[i];
    if (Number.isNaN(e)) {
      expect(Number.isNaN(a), `${label}[${i}]: expected NaN, got ${a}`).to.equal(true);
      continue;
    }
    const ok = a === e || Math.abs(a - e) <= tol + tol * Math.abs(e);
    expect(ok, `${label}[${i}]: ORT ${a} vs tensorgraph ${e}`).to.equal(true);
  }
}

/** Builds a graph with `build` (returning the tensors to export), exports it, and checks ORT against the Session on each feed. */
export async function checkExport(
  build: () => tg.Tensor[],
  feeds: Feeds | Feeds[],
  options: { inputs?: readonly string[]; tol?: number } = {},
): Promise<Uint8Array> {
  const g = new tg.Graph();
  const outputs = g.asDefault(build).map((t) => t.name);
  const feedsList = Array.isArray(feeds) ? feeds : [feeds];
  const inputs = options.inputs ?? Object.keys(feedsList[0]);
  const model = tg.onnx.exportModel(g, { inputs, outputs });
  for (const f of feedsList) {
    const want = await runTg(g, f, outputs);
    const got = await runOrt(model, f, outputs);
    outputs.forEach((name, i) => expectClose(got[i], want[i], name, options.tol));
  }
  return model;
}

/** The op types of an exported model's nodes. */
export function nodeTypes(model: Uint8Array): string[] {
  return (onnx.ModelProto.decode(model).graph?.node ?? []).map((n) => n.opType!);
}
