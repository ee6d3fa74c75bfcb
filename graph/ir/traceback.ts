/**
 * Where an op was created in the user's code: the stack frames outside tensorgraph's own library
 * folders. Errors quote them like TF1's "Caused by op 'x', defined at:".
 *
 * The folders are found from this module's URL with `URL` alone (no `node:path`/`node:url`), so
 * that this module loads in a browser. In a bundle the library has no folders of its own to tell
 * apart from the user's code, so no frame is filtered out there.
 */
const libFolders = libraryFolders(['graph', 'ops', 'runtime', 'serialization', 'src']);

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

export function captureUserFrames(): string[] {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = saved;
  const frames: string[] = [];
  for (const raw of stack.split('\n').slice(1)) {
    const line = raw.trim();
    if (!line.startsWith('at ')) continue;
    if (line.includes('node:internal') || line.includes('(node:')) continue;
    if (libFolders.some((f) => line.includes(f))) continue;
    frames.push(line);
    if (frames.length >= MAX_FRAMES) break;
  }
  return frames;
}
