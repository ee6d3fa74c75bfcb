import { existsSync, readdirSync, readFileSync } from '../../platform/fs.js';
import { dirname, join } from '../../platform/path.js';
import { DataLossError, DType, NDArray, NotFoundError, sizeOf, UnimplementedError } from '../../graph/ir/index.js';
import { decodeMessage, pb } from '../codec.js';
import { fromTfDType, fromTfDTypeOrNull } from '../dtypes.js';
import { fullShapeFromProto, tensorFromProto } from '../tensor_proto.js';
import type { TensorProtoObj, TensorShapeObj } from '../types.js';
import { readTable } from './sstable.js';

/*
 * TF's V1 checkpoints (TensorSliceWriter, read by TensorSliceReader): one or more SSTable files
 * (`prefix` itself, or the shards `prefix-00000-of-00002` a sharded V1 Saver writes and names by
 * the pattern `prefix-?????-of-00002`). The entry under the empty key is a SavedTensorSlices whose
 * `meta` lists every tensor (name, full shape, dtype, slices); every other entry is a
 * SavedTensorSlices whose `data` holds one slice of one tensor as a TensorProto. A tensor is
 * assembled from its slices, each checked against the full shape.
 */

interface Extent {
  start?: number;
  length?: number;
}
interface SliceObj {
  extent?: Extent[];
}
interface SavedTensorSlicesObj {
  meta?: { tensor?: { name?: string; shape?: TensorShapeObj; type?: number; slice?: SliceObj[] }[] };
  data?: { name?: string; slice?: SliceObj; data?: TensorProtoObj };
}

interface V1Tensor {
  name: string;
  dtypeEnum: number;
  dtype: DType | null;
  shape: number[];
  slices: { box: [number, number][]; data: TensorProtoObj; file: string }[];
}

/** The files a V1 checkpoint path names: the file itself, or the shards matching its `?`/`*` pattern. */
export function v1CheckpointFiles(path: string): string[] {
  if (!/[?*]/.test(path)) {
    if (existsSync(path)) return [path];
    // TF's Saver passes the sharded pattern; a bare prefix names its shards
    const shards = matching(`${path}-?????-of-?????`);
    return shards;
  }
  return matching(path);
}

function matching(pattern: string): string[] {
  const dir = dirname(pattern);
  const base = pattern.slice(dir.length + (dir.endsWith('/') ? 0 : 1));
  const re = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\?/g, '.').replace(/\*/g, '.*')}$`);
  let names: string[];
  try {
    names = readdirSync(dir) as string[];
  } catch {
    return [];
  }
  return names.filter((n) => re.test(n)).sort().map((n) => join(dir, n));
}

/** A slice's [start, length] per dim against the full shape; an extent without a length is the whole dim. */
function boxOf(slice: SliceObj | undefined, shape: readonly number[], what: string): [number, number][] {
  const ext = slice?.extent ?? [];
  if (ext.length !== 0 && ext.length !== shape.length) throw new DataLossError(`${what}: a slice of rank ${ext.length} for a tensor of rank ${shape.length}`);
  return shape.map((d, i) => {
    const e = ext[i];
    if (!e || e.length === undefined) return [0, d];
    const start = Number(e.start ?? 0);
    const length = Number(e.length);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length < 0 || start + length > d) {
      throw new DataLossError(`${what}: slice extent [${start}, +${length}) lies outside dim ${i} of size ${d}`);
    }
    return [start, length];
  });
}

/** A V1 checkpoint opened for reading: the same questions BundleReader answers. */
export class TensorSliceReader {
  readonly prefix: string;
  private readonly tensors = new Map<string, V1Tensor>();

  constructor(path: string) {
    this.prefix = path;
    const files = v1CheckpointFiles(path);
    if (files.length === 0) throw new NotFoundError(`Unsuccessful TensorSliceReader constructor: Failed to find any matching files for ${path}`);
    for (const file of files) this.readFile(file);
  }

  private readFile(file: string): void {
    const table = readTable(readFileSync(file), file);
    if (table.length === 0 || table[0][0].length !== 0) throw new DataLossError(`${file}: the V1 checkpoint's metadata entry (empty key) is missing`);
    const meta = decodeMessage<SavedTensorSlicesObj>(pb.SavedTensorSlices, table[0][1], `${file}: metadata`).meta;
    if (!meta) throw new DataLossError(`${file}: the metadata entry holds no SavedTensorSliceMeta`);
    for (const t of meta.tensor ?? []) {
      const name = t.name ?? '';
      const what = `${file}: tensor '${name}'`;
      let shape: number[];
      try {
        shape = fullShapeFromProto(t.shape, what);
      } catch (e) {
        throw new DataLossError((e as Error).message);
      }
      const prev = this.tensors.get(name);
      if (prev && (prev.dtypeEnum !== (t.type ?? 0) || prev.shape.join() !== shape.join())) throw new DataLossError(`${what}: its shards disagree on its dtype or shape`);
      if (!prev) this.tensors.set(name, { name, dtypeEnum: t.type ?? 0, dtype: fromTfDTypeOrNull(t.type ?? 0), shape, slices: [] });
    }
    for (const [, value] of table.slice(1)) {
      const data = decodeMessage<SavedTensorSlicesObj>(pb.SavedTensorSlices, value, `${file}: a slice entry`).data;
      const name = data?.name ?? '';
      const t = this.tensors.get(name);
      if (!data || !t) throw new DataLossError(`${file}: a slice of '${name}', which the metadata does not list`);
      t.slices.push({ box: boxOf(data.slice, t.shape, `${file}: tensor '${name}'`), data: data.data ?? {}, file });
    }
  }

  /** [name, shape] of every tensor, sorted by name (TF's list_variables). */
  list(): [string, number[]][] {
    return [...this.tensors.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((t) => [t.name, [...t.shape]]);
  }

  names(): string[] {
    return this.list().map(([n]) => n);
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  entry(name: string): { dtype: DType | null; dtypeEnum: number; shape: number[] } {
    const t = this.tensors.get(name);
    if (!t) throw new NotFoundError(`Key ${name} not found in checkpoint ${this.prefix}`);
    return { dtype: t.dtype, dtypeEnum: t.dtypeEnum, shape: [...t.shape] };
  }

  /** The tensor assembled from its slices; every element must be covered. */
  read(name: string): NDArray {
    const t = this.tensors.get(name);
    if (!t) throw new NotFoundError(`Key ${name} not found in checkpoint ${this.prefix}`);
    const what = `${this.prefix}: tensor '${name}'`;
    const dtype = fromTfDType(t.dtypeEnum, what);
    const n = sizeOf(t.shape);
    const whole = t.slices.find((s) => s.box.every(([st, len], i) => st === 0 && len === t.shape[i]));
    if (whole) return checked(tensorFromProto({ ...whole.data, dtype: t.dtypeEnum, tensor_shape: { dim: t.shape.map((size) => ({ size })) } }, what), t.shape, what);
    if (dtype === 'string') throw new UnimplementedError(`${what}: a string tensor saved in slices is not supported`);
    // slices that cannot cover the tensor are refused before a hostile shape allocates anything
    const listed = t.slices.reduce((a, s) => a + sizeOf(s.box.map(([, len]) => len)), 0);
    if (listed < n) throw new DataLossError(`${what}: its slices hold ${listed} of its ${n} elements`);
    const out = NDArray.zeros(dtype, t.shape);
    const covered = new Uint8Array(n);
    const strides = t.shape.map((_d, i) => sizeOf(t.shape.slice(i + 1)));
    for (const s of t.slices) {
      const dims = s.box.map(([, len]) => len);
      const part = checked(tensorFromProto({ ...s.data, dtype: t.dtypeEnum, tensor_shape: { dim: dims.map((size) => ({ size })) } }, `${what} slice`), dims, what);
      const src = part.data;
      const idx = new Array<number>(dims.length).fill(0);
      for (let k = 0; k < src.length; k++) {
        let at = 0;
        for (let i = 0; i < dims.length; i++) at += (s.box[i][0] + idx[i]) * strides[i];
        out.data[at] = src[k];
        covered[at] = 1;
        for (let i = dims.length - 1; i >= 0; i--) {
          if (++idx[i] < dims[i]) break;
          idx[i] = 0;
        }
      }
    }
    if (covered.includes(0)) throw new DataLossError(`${what}: its slices do not cover the whole tensor`);
    return out;
  }
}

function checked(a: NDArray, shape: readonly number[], what: string): NDArray {
  if (a.shape.join() !== shape.join()) throw new DataLossError(`${what}: slice data of shape [${a.shape.join(',')}] where [${shape.join(',')}] was expected`);
  return a;
}
