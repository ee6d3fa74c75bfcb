/**
 * Where an op was created in the user's code: the stack frames outside tensorgraph's own library
 * folders. Errors quote them like TF1's "Caused by op 'x', defined at:".
 *
 * The folders are found from this module's URL with `URL` alone (no `node:path`/`node:url`), so
 * that this module loads in a browser. In a bundle the library has no folders of its own to tell
 * apart from the user's code, so no frame is filtered out there.
 */
const libraryFolderNames = ['graph', 'ops', 'platform', 'runtime', 'serialization', 'src'] as const;
const libFolders = libraryFolders(libraryFolderNames);

function libraryFolders(folders: readonly string[]): string[] {
  const here: unknown = import.meta.url;
  // dist/graph/ir/traceback.js -> dist/ (traceback.ts when run from source)
  if (typeof here !== 'string' || !/\/graph\/ir\/traceback\.[cm]?[jt]s$/.test(here)) return [];
  const root = new URL('../../', here);
  const out: string[] = [];
  for (const f of folders) {
    const url = new URL(`${f}/`, root);
    out.push(url.href);
    if (url.protocol === 'file:') out.push(filePath(url));
  }
  return out;
}

/** A file: URL as the platform's path, as stack traces of CommonJS or source-mapped code show it. */
function filePath(url: URL): string {
  const p = decodeURIComponent(url.pathname);
  // Windows: file:///C:/dir/ -> C:\dir\
  return /^\/[A-Za-z]:\//.test(p) ? p.slice(1).replace(/\//g, '\\') : p;
}

const MAX_FRAMES = 4;

/**
 * Source maps (`node --enable-source-maps`, tsx) and installed packages show the library's frames
 * under other roots than this module's URL: dist/graph/ir/traceback.js maps to graph/ir/traceback.ts
 * one folder up. The first frame of a capture is this module as the stack shows it, so the root
 * read from it names the library's folders exactly as the rest of that stack spells them.
 */
const stackRootFolders = new Map<string, string[]>();

function foldersSeenInStack(firstFrame: string): string[] {
  const at = /\(?((?:file:\/\/)?[^()]*?)[/\\]graph[/\\]ir[/\\]traceback\.[cm]?[jt]s:\d+:\d+\)?$/.exec(firstFrame);
  if (!at) return [];
  const root = at[1];
  let folders = stackRootFolders.get(root);
  if (!folders) {
    const sep = root.includes('\\') && !root.startsWith('file:') ? '\\' : '/';
    folders = libraryFolderNames.map((f) => `${root}${sep}${f}${sep}`);
    stackRootFolders.set(root, folders);
  }
  return folders;
}

export function captureUserFrames(): string[] {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = saved;
  const lines = stack.split('\n').slice(1).map((l) => l.trim());
  const lib = [...libFolders, ...foldersSeenInStack(lines[0] ?? '')];
  const frames: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('at ')) continue;
    if (line.includes('node:internal') || line.includes('(node:')) continue;
    if (lib.some((f) => line.includes(f))) continue;
    frames.push(line);
    if (frames.length >= MAX_FRAMES) break;
  }
  return frames;
}
