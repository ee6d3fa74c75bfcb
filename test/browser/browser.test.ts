import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as tg from '../../src/index.js';
import { bundleForBrowser, type BrowserBundle } from './bundle.js';
import { evaluateInPage, PAGE_RESULT } from './chromium.js';
import { serveStatic, type StaticFile } from './serve.js';
import { runWorkload, type WorkloadResult } from './workload.js';

/*
 * The library in a browser: `import * as tg from 'tensorgraph'` bundled by esbuild for
 * platform=browser, served from 127.0.0.1 with a small ES-module page, run in headless Chromium
 * (Debian's `chromium`; without it this fails with one line saying how to install it). The page
 * trains a small regression and reports the losses, which must equal the same steps run here.
 */

const STEPS = 5;

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>tensorgraph in a browser</title>
<script type="module">
  window.tgRun = (async () => {
    const processBefore = typeof globalThis.process;
    const tg = await import('./tensorgraph.js');
    const { runWorkload } = await import('./workload.js');
    const result = await runWorkload(tg, ${STEPS});
    return { processBefore, processAfter: typeof globalThis.process, result };
  })().catch((e) => ({ error: String((e && e.stack) || e) }));
</script>
`;

interface PageResult {
  processBefore?: string;
  processAfter?: string;
  result?: WorkloadResult;
  error?: string;
}

describe('browser: the package entry bundles for browsers and trains in headless Chromium', function () {
  this.timeout(180_000);
  let bundle: BrowserBundle;

  before(async () => {
    bundle = await bundleForBrowser();
  });

  it('bundles with esbuild (platform=browser) and the bundle imports no Node built-in', () => {
    expect(bundle.code.length).to.be.greaterThan(10_000);
    expect(bundle.code).to.match(/\bexport\s*\{/);
    expect(bundle.nodeImports, `Node built-ins imported by the bundle: ${bundle.nodeImports.join(', ')}`).to.deep.equal([]);
  });

  describe('in headless Chromium', () => {
    let page: PageResult;
    let inBrowser: WorkloadResult;
    let inNode: WorkloadResult;

    before(async () => {
      const workload = readFileSync(new URL('./workload.js', import.meta.url), 'utf8');
      const files = new Map<string, StaticFile>([
        ['/', { type: 'text/html', body: PAGE }],
        ['/tensorgraph.js', { type: 'text/javascript', body: bundle.code }],
        ['/workload.js', { type: 'text/javascript', body: workload }],
      ]);
      const server = await serveStatic(files);
      let log: string[];
      try {
        const run = await evaluateInPage(`${server.origin}/`, PAGE_RESULT, 120_000);
        page = run.value as PageResult;
        log = run.log;
      } finally {
        await server.close();
      }
      if (page.error !== undefined || !page.result) throw new Error(`the page failed: ${page.error ?? 'no result'}\npage log:\n  ${log.join('\n  ')}`);
      inBrowser = page.result;
      inNode = await runWorkload(tg, STEPS);
    });

    it('the bundle loads with globalThis.process undefined and defines no process global', () => {
      expect(page.processBefore).to.equal('undefined');
      expect(page.processAfter).to.equal('undefined');
    });

    it(`${STEPS} gradient-descent steps give the losses and weights of the same steps in Node`, () => {
      expect(inBrowser.losses).to.have.length(STEPS);
      expect(inBrowser.losses[STEPS - 1]).to.be.lessThan(inBrowser.losses[0] / 2);
      inBrowser.losses.forEach((l, i) => expect(l, `loss of step ${i}`).to.be.closeTo(inNode.losses[i], 1e-6 * Math.max(1, Math.abs(inNode.losses[i]))));
      inBrowser.weights.forEach((w, i) => expect(w, `w[${i}]`).to.be.closeTo(inNode.weights[i], 1e-6));
      expect(inBrowser.bias).to.be.closeTo(inNode.bias, 1e-6);
    });

    it('byte-taking file functions work (GraphDef bytes, freezing, ONNX export and import, event file bytes); a path-taking one throws UnimplementedError', () => {
      expect(inBrowser.graphDefBytes).to.equal(inNode.graphDefBytes);
      expect(inBrowser.onnxImported).to.have.length(8);
      inBrowser.onnxImported.forEach((v, i) => expect(v, `imported ONNX output ${i}`).to.be.closeTo(inNode.onnxImported[i], 1e-6));
      expect(inBrowser.importedOps).to.equal(inNode.importedOps);
      expect(inBrowser.onnxBytes).to.equal(inNode.onnxBytes);
      expect(inBrowser.eventSteps).to.deep.equal([0, 0, ...Array.from({ length: STEPS }, (_, i) => i)]);
      expect(inBrowser.summaryLoss).to.be.closeTo(inBrowser.losses[STEPS - 1], 1e-6);
      expect(inNode.fileError).to.equal(null);
      expect(inBrowser.fileError?.name).to.equal('UnimplementedError');
      expect(inBrowser.fileError?.message).to.match(/^tg\.train\.latestCheckpoint works on file paths.*Pass bytes instead/);
    });
  });
});
