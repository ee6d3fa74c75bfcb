import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, NotFoundError } from '../../graph/ir/index.js';
import { decodeGraphDef, parseGraphDefText } from '../../serialization/graph_def.js';
import { decodeMetaGraph, graphDefWithoutSaver } from '../../serialization/meta_graph.js';
import type { GraphDef } from '../../serialization/types.js';
import { onnxToGraphDef } from './onnx_commands.js';

/* How the CLI's commands read and write files: every problem is a typed error naming the file. */

/** Node's own words for the file errors a user meets, without the syscall and path noise. */
const FS_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  ENOTDIR: 'a path component is not a directory',
  EPERM: 'operation not permitted',
};

function fsProblem(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(FS_PROBLEMS, code) ? FS_PROBLEMS[code] : String((e as Error).message ?? e);
}

/** Reads an input file; a missing or unreadable one is a NotFoundError naming it. */
export function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new NotFoundError(`${path}: cannot read: ${fsProblem(e)}`);
  }
}

export function writeOutput(path: string, bytes: Uint8Array | string): void {
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new InvalidArgumentError(`${path}: cannot write: ${fsProblem(e)}`);
  }
}

/** A graph from a .pb, .pbtxt, .meta or .onnx file; an empty file or a graph with no nodes is an error. */
export function graphDefFrom(path: string): GraphDef {
  // an ONNX model is imported (initializers as constants), so every command reads one
  if (path.endsWith('.onnx')) return onnxToGraphDef(readInput(path), path).def;
  const bytes = readInput(path);
  if (bytes.length === 0) throw new InvalidArgumentError(`${path}: the file is empty`);
  let def: GraphDef;
  if (path.endsWith('.meta')) def = graphDefWithoutSaver(decodeMetaGraph(bytes, path));
  else if (path.endsWith('.pbtxt')) def = parseGraphDefText(bytes.toString('utf8'), path);
  else def = decodeGraphDef(bytes, path);
  if ((def.node ?? []).length === 0) throw new InvalidArgumentError(`${path}: the graph has no nodes`);
  return def;
}

