import { expect } from 'chai';
import { bundleForBrowser, type BrowserBundle } from './bundle.js';
import { evaluateInPage, PAGE_RESULT } from './chromium.js';
import { serveStatic, type StaticFile } from './serve.js';

/*
 * The CPU backend's kernel threads in a browser: a cross-origin isolated page (COOP/COEP, so
 * SharedArrayBuffer exists) runs a matMul on 1 and on 2 threads from its main thread, where the
 * pool must spin instead of Atomics.wait and start Web Workers from a Blob URL; the page counts
 * the workers started (Worker wrapped before the library loads). A page without isolation runs
 * the same product single-threaded and starts none.
 */

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>tensorgraph kernel threads</title>
<script type="module">
  window.tgRun = (async () => {
    let workers = 0;
    if (typeof Worker === 'function') {
      const Base = Worker;
      globalThis.Worker = class extends Base { constructor(...a) { super(...a); workers++; } };
    }
    const tg = await import('./tensorgraph.js');
    const g = new tg.Graph();
    const [pa, pb, y] = g.asDefault(() => {
      const pa = tg.placeholder('float32', [301, 203]);
      const pb = tg.placeholder('float32', [203, 157]);
      return [pa, pb, tg.matMul(pa, pb)];
    });
    const fill = (n, s) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * s));
    const a = tg.NDArray.from(fill(301 * 203, 0.37), [301, 203]);
    const b = tg.NDArray.from(fill(203 * 157, 0.11), [203, 157]);
    const bits = [];
    for (const threads of [1, 2]) {
      const sess = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm', threads }) });
      const out = await sess.run(y, new Map([[pa, a], [pb, b]]));
      sess.close();
      bits.push(Array.from(new Uint32Array(out.data.buffer, out.data.byteOffset, out.data.length)));
    }
    return { isolated: globalThis.crossOriginIsolated === true, workers, same: bits[0].every((v, i) => v === bits[1][i]), size: bits[0].length };
  })().catch((e) => ({ error: String((e && e.stack) || e) }));
</script>
`;

interface PageResult {
  isolated?: boolean;
  workers?: number;
  same?: boolean;
  size?: number;
  error?: string;
}

const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

async function runPage(bundle: BrowserBundle, isolated: boolean): Promise<PageResult> {
  const headers = isolated ? ISOLATION : {};
  const files = new Map<string, StaticFile>([
    ['/', { type: 'text/html', body: PAGE, headers }],
    ['/tensorgraph.js', { type: 'text/javascript', body: bundle.code, headers }],
  ]);
  const server = await serveStatic(files);
  try {
    const run = await evaluateInPage(`${server.origin}/`, PAGE_RESULT, 120_000);
    const page = run.value as PageResult;
    if (page.error !== undefined) throw new Error(`the page failed: ${page.error}\npage log:\n  ${run.log.join('\n  ')}`);
    return page;
  } finally {
    await server.close();
  }
}

describe('browser: kernel threads on Web Workers', function () {
  this.timeout(180_000);
  let bundle: BrowserBundle;

  before(async () => {
    bundle = await bundleForBrowser();
  });

  it('a cross-origin isolated page runs the gemm on a Web Worker from its main thread, with the one-thread bits', async () => {
    const page = await runPage(bundle, true);
    expect(page.isolated).to.equal(true);
    expect(page.workers).to.equal(1);
    expect(page.size).to.equal(301 * 157);
    expect(page.same).to.equal(true);
  });

  it('a page without isolation (no SharedArrayBuffer) stays on one thread, still giving the same product', async () => {
    const page = await runPage(bundle, false);
    expect(page.isolated).to.equal(false);
    expect(page.workers).to.equal(0);
    expect(page.same).to.equal(true);
  });
});
