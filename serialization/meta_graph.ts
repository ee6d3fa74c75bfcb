import { Graph, GraphKeys, InvalidArgumentError, NotFoundError, Operation, Tensor } from '../graph/ir/index.js';
import { Variable } from '../ops/state/variable.js';
import { hasOpDef } from '../ops/registry.js';
import { decodeMessage, encodeMessage, pb } from './codec.js';
import { toGraphDef } from './graph_def.js';
import { importGraphDef } from './import_graph_def.js';
import type { CollectionDef, GraphDef, MetaGraphDef, SaverDef, SignatureDef, VariableDefObj } from './types.js';

const VARIABLE_COLLECTIONS = new Set<string>([
  GraphKeys.GLOBAL_VARIABLES,
  GraphKeys.TRAINABLE_VARIABLES,
  GraphKeys.LOCAL_VARIABLES,
  GraphKeys.MODEL_VARIABLES,
  GraphKeys.GLOBAL_STEP,
]);

/** The SaverDef TF's Saver writes (V2 checkpoints, names of TF's `save/` ops). */
export function defaultSaverDef(maxToKeep: number, keepEveryNHours: number): SaverDef {
  return {
    filename_tensor_name: 'save/Const:0',
    save_tensor_name: 'save/control_dependency:0',
    restore_op_name: 'save/restore_all',
    max_to_keep: maxToKeep,
    sharded: false,
    keep_checkpoint_every_n_hours: keepEveryNHours,
    version: 2,
  };
}

function variableDef(v: Variable): Uint8Array {
  const def: VariableDefObj = {
    variable_name: v.ref.name,
    initial_value_name: v.initialValue.name,
    initializer_name: v.initializer.name,
    snapshot_name: v.value().name,
    trainable: v.trainable,
    ...(v.isResource ? { is_resource: true } : {}),
  };
  return encodeMessage(pb.VariableDef, def);
}

function collectionDef(items: readonly unknown[]): CollectionDef | null {
  if (items.length === 0) return null;
  if (items.every((x) => x instanceof Variable)) return { bytes_list: { value: (items as Variable[]).map(variableDef) } };
  if (items.every((x) => x instanceof Tensor || x instanceof Operation)) return { node_list: { value: items.map((x) => (x as Tensor | Operation).name) } };
  if (items.every((x) => typeof x === 'number' && Number.isInteger(x))) return { int64_list: { value: items as number[] } };
  if (items.every((x) => typeof x === 'number')) return { float_list: { value: items as number[] } };
  return null;
}

export interface ExportMetaGraphOptions {
  saverDef?: SaverDef;
  tags?: readonly string[];
  signatureDefs?: Record<string, SignatureDef>;
}

/** A MetaGraphDef of the graph: GraphDef, collections, SaverDef and signatures. */
export function exportMetaGraph(graph: Graph, options: ExportMetaGraphOptions = {}): MetaGraphDef {
  const collection_def: Record<string, CollectionDef> = {};
  for (const key of graph.getAllCollectionKeys().sort()) {
    const c = collectionDef(graph.getCollection(key));
    if (c) collection_def[key] = c;
  }
  const meta: MetaGraphDef = {
    meta_info_def: { meta_graph_version: '', tags: [...(options.tags ?? [])], tensorflow_version: '1.15.0', tensorflow_git_version: 'tensorgraph' },
    graph_def: toGraphDef(graph),
    collection_def,
  };
  if (options.saverDef) meta.saver_def = options.saverDef;
  if (options.signatureDefs) meta.signature_def = options.signatureDefs;
  return meta;
}

export function encodeMetaGraph(meta: MetaGraphDef): Uint8Array {
  return encodeMessage(pb.MetaGraphDef, meta);
}

export function decodeMetaGraph(bytes: Uint8Array, what: string): MetaGraphDef {
  return decodeMessage<MetaGraphDef>(pb.MetaGraphDef, bytes, what);
}

/** The name scope of TF's saver ops (`save/` for `save/restore_all`), which we do not import. */
function saverScope(saver: SaverDef | undefined): string | null {
  const r = saver?.restore_op_name ?? '';
  const i = r.lastIndexOf('/');
  return i > 0 ? r.slice(0, i + 1) : null;
}

/**
 * The GraphDef of a MetaGraphDef without TF's saver subgraph (SaveV2/RestoreV2 ops under the
 * saver's scope): our Saver does that work on the host, so those nodes have no counterpart.
 */
export function graphDefWithoutSaver(meta: MetaGraphDef): GraphDef {
  const def = meta.graph_def ?? { node: [] };
  const scope = saverScope(meta.saver_def);
  if (!scope) return { ...def, node: def.node ?? [] };
  return { ...def, node: (def.node ?? []).filter((n) => !(n.name ?? '').startsWith(scope)) };
}

/**
 * The GraphDef a MetaGraph import runs: the whole graph, TF's saver subgraph included, so that
 * its own `save/restore_all` and `save/control_dependency` run through `session.run` (SaveV2,
 * RestoreV2, MergeV2Checkpoints, ShardedFilename and StringJoin are ops here). A saver subgraph
 * holding an op we do not have (V1's SaveSlices, RestoreSlice) is left out as before: our Saver
 * does that work instead.
 */
export function graphDefForImport(meta: MetaGraphDef): GraphDef {
  const def = meta.graph_def ?? { node: [] };
  const scope = saverScope(meta.saver_def);
  const nodes = def.node ?? [];
  if (!scope) return { ...def, node: nodes };
  const saverOps = nodes.filter((n) => (n.name ?? '').startsWith(scope));
  return saverOps.every((n) => hasOpDef(n.op ?? '')) ? { ...def, node: nodes } : graphDefWithoutSaver(meta);
}

/**
 * Imports a MetaGraphDef's graph into `graph` and rebuilds its collections, Variables included
 * (TF's import_meta_graph). Returns the variables found, by name. All or nothing: when any part
 * fails, the graph is left as it was.
 */
export function importMetaGraphDef(meta: MetaGraphDef, graph: Graph, source: string, graphDef?: GraphDef): Map<string, Variable> {
  // our Saver and initializers read Variables from these: anything else in them is refused,
  // before the graph is touched
  for (const [key, col] of Object.entries(meta.collection_def ?? {})) {
    if (VARIABLE_COLLECTIONS.has(key) && !col.bytes_list && (col.node_list || col.int64_list || col.float_list)) {
      throw new InvalidArgumentError(`${source}: collection '${key}' must hold VariableDefs (a bytes_list), not a ${col.node_list ? 'node_list' : col.int64_list ? 'int64_list' : 'float_list'}`);
    }
  }
  return graph.atomically(() => {
    importGraphDef(graphDef ?? graphDefForImport(meta), { graph, source });
    const vars = new Map<string, Variable>();
    for (const [key, col] of Object.entries(meta.collection_def ?? {})) {
      try {
        restoreCollection(graph, key, col, vars, source);
      } catch (e) {
        if (e instanceof NotFoundError || e instanceof InvalidArgumentError) {
          throw new InvalidArgumentError(`${source}: collection '${key}' refers to something not in the graph: ${e.message}`);
        }
        throw e;
      }
    }
    return vars;
  });
}

function restoreCollection(graph: Graph, key: string, col: CollectionDef, vars: Map<string, Variable>, source: string): void {
  const lookup = (name: string): Tensor | Operation => (name.includes(':') ? graph.getTensorByName(name) : graph.getOperationByName(name));
  if (col.bytes_list && VARIABLE_COLLECTIONS.has(key)) {
    for (const b of col.bytes_list.value ?? []) {
      const vd = decodeMessage<VariableDefObj>(pb.VariableDef, b, `${source}: collection '${key}'`);
      const name = (vd.variable_name ?? '').replace(/:0$/, '');
      // every VariableDef is resolved, also one of a variable met in an earlier collection
      const op = graph.getOperationByName(name);
      const parts = {
        op,
        initializer: graph.getOperationByName(vd.initializer_name ?? ''),
        snapshot: graph.getTensorByName(vd.snapshot_name ?? ''),
        initialValue: vd.initial_value_name ? graph.getTensorByName(vd.initial_value_name) : op.outputs[0],
        trainable: vd.trainable ?? key === GraphKeys.TRAINABLE_VARIABLES,
      };
      let v = vars.get(name);
      if (!v) {
        v = Variable.fromOps(parts);
        vars.set(name, v);
      }
      graph.addToCollection(key, v);
    }
  } else if (col.node_list) {
    for (const n of col.node_list.value ?? []) graph.addToCollection(key, lookup(n));
  } else if (col.int64_list) {
    for (const n of col.int64_list.value ?? []) graph.addToCollection(key, n);
  } else if (col.float_list) {
    for (const n of col.float_list.value ?? []) graph.addToCollection(key, n);
  }
}
