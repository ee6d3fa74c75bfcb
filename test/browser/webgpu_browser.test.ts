import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as tg from '../../src/index.js';
import { bundleForBrowser } from './bundle.js';
import { evaluateInPage, PAGE_RESULT } from './chromium.js';
import { serveStatic, type StaticFile } from './serve.js';
import { runWebGpuWorkload, type WebGpuWorkloadResult } from './webgpu_workload.js';

/*
 * A training step on backend 'webgpu' in headless Chromium (--enable-unsafe-webgpu, Vulkan: Mesa's
 * lavapipe where there is no GPU), through navigator.gpu: the browser never loads the `webgpu`
 * package. The losses must equal the same steps on the CPU in Node. Without an adapter in the
 * browser the test skips with one line, except in CI (CI=true), where it fails.
 */

const STEPS = 4;

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>tensorgraph on WebGPU</title>
<script type="module">
  window.tgRun = (async () => {
    const tg = await import('./tensorgraph.js');
    const { runWebGpuWorkload } = await import('./webgpu_workload.js');
    return { hasGpu: !!navigator.gpu, result: await runWebGpuWorkload(tg, 'webgpu', ${STEPS}) };
  })().catch((e) => ({ error: String((e && e.stack) || e) }));
</script>
`;

describe('browser: a training step on backend webgpu in headless Chromium', function () {
  this.timeout(240_000);

  it(`${STEPS} steps on navigator.gpu give the CPU's losses`, async function () {
    const bundle = await bundleForBrowser();
    const workload = readFileSync(new URL('./webgpu_workload.js', import.meta.url), 'utf8');
    const files = new Map<string, StaticFile>([
      ['/', { type: 'text/html', body: PAGE }],
      ['/tensorgraph.js', { type: 'text/javascript', body: bundle.code }],
      ['/webgpu_workload.js', { type: 'text/javascript', body: workload }],
    ]);
    const server = await serveStatic(files);
    let page: { hasGpu?: boolean; result?: WebGpuWorkloadResult; error?: string };
    let log: string[];
    try {
      const run = await evaluateInPage(`${server.origin}/`, PAGE_RESULT, 200_000, { webgpu: true });
      page = run.value as typeof page;
      log = run.log;
    } finally {
      await server.close();
    }
    if (page.error !== undefined || !page.result) throw new Error(`the page failed: ${page.error ?? 'no result'}\npage log:\n  ${log.join('\n  ')}`);
    if (page.result.unavailable !== null) {
      if (process.env.CI === 'true') throw new Error(`WebGPU must be available in Chromium in CI: ${page.result.unavailable}`);
      console.log(`    (WebGPU browser test skipped: ${page.result.unavailable})`);
      this.skip();
    }
    const cpu = await runWebGpuWorkload(tg, 'cpu', STEPS);
    expect(page.result.devices).to.include('/device:GPU:0');
    expect(new Set(page.result.devices)).to.deep.equal(new Set(['/device:GPU:0']));
    expect(page.result.losses).to.have.length(STEPS);
    page.result.losses.forEach((l, i) => expect(l, `loss of step ${i}`).to.be.closeTo(cpu.losses[i], 1e-5));
    expect(page.result.losses[STEPS - 1]).to.be.lessThan(page.result.losses[0]);
  });
});
