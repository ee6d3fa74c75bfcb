import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CdpPipe, type CdpEvent } from './cdp_pipe.js';

/** Debian's `chromium` package; TG_CHROMIUM names another Chromium or Chrome binary. */
export function chromiumPath(): string {
  return process.env.TG_CHROMIUM ?? '/usr/bin/chromium';
}

/** The one line a run without Chromium fails with. */
export function missingChromiumMessage(path: string): string {
  return `Chromium not found at ${path}: install it (Debian: apt-get install -y chromium; .ci/run does) or set TG_CHROMIUM to a Chromium/Chrome binary`;
}

export interface PageRun {
  /** The value of `expression` (awaited in the page, returned by value). */
  value: unknown;
  /** Console messages and uncaught exceptions of the page, for failure messages. */
  log: string[];
}

/**
 * The expression that waits for a test page's module script to have set `window.tgRun` (the
 * pages' convention), then for its result.
 */
export const PAGE_RESULT = `new Promise((resolve) => {
  const poll = () => (window.tgRun ? window.tgRun.then(resolve) : setTimeout(poll, 20));
  poll();
})`;

/**
 * Starts headless Chromium, opens `url`, waits for the page's load event and evaluates
 * `expression` there (a promise is awaited), then takes a PNG screenshot into `options.screenshot`
 * when given. The browser is always closed and its profile removed.
 */
export async function evaluateInPage(url: string, expression: string, timeoutMs: number, options: { screenshot?: string; webgpu?: boolean } = {}): Promise<PageRun> {
  const exe = chromiumPath();
  if (!existsSync(exe)) throw new Error(missingChromiumMessage(exe));
  const profile = mkdtempSync(join(tmpdir(), 'tg-chromium-'));
  const child = spawn(
    exe,
    ['--headless=new', '--no-sandbox', '--remote-debugging-pipe', `--user-data-dir=${profile}`, '--no-first-run', '--no-default-browser-check',
      // WebGPU pages get Chromium's WebGPU on Vulkan (lavapipe where there is no GPU) instead of no GPU
      ...(options.webgpu ? ['--enable-unsafe-webgpu', '--enable-features=Vulkan'] : ['--disable-gpu']),
      '--disable-dev-shm-usage', '--disable-extensions', '--mute-audio', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const cdp = new CdpPipe(child.stdio[3] as Writable, child.stdio[4] as Readable);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the page did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (e) => reject(new Error(`cannot start ${exe}: ${e.message}`)));
    child.once('exit', (code, signal) => reject(new Error(`Chromium exited early (code ${code}, signal ${signal})`)));
  });
  try {
    const run = async (): Promise<unknown> => {
      const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
      const sid = sessionId as string;
      await cdp.send('Runtime.enable', {}, sid);
      await cdp.send('Page.enable', {}, sid);
      const loaded = cdp.waitFor('Page.loadEventFired', sid);
      loaded.catch(() => undefined); // awaited below; a closed pipe is reported by that await
      const nav = await cdp.send('Page.navigate', { url }, sid);
      if (typeof nav.errorText === 'string') throw new Error(`cannot open ${url}: ${nav.errorText}`);
      await loaded;
      const res = await cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sid);
      const details = res.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
      if (details) throw new Error(`the page threw: ${details.exception?.description ?? details.text}`);
      if (options.screenshot) {
        const shot = await cdp.send('Page.captureScreenshot', { format: 'png' }, sid);
        writeFileSync(options.screenshot, Buffer.from(String(shot.data), 'base64'));
      }
      return (res.result as { value?: unknown }).value;
    };
    const value = await Promise.race([run(), timeout, exited]);
    return { value, log: pageLog(cdp.events) };
  } catch (e) {
    const log = pageLog(cdp.events);
    throw new Error(`${(e as Error).message}\npage log:\n  ${log.join('\n  ') || '(empty)'}\nchromium stderr (tail):\n${stderr}`);
  } finally {
    clearTimeout(timer);
    exited.catch(() => undefined);
    await closeBrowser(child, cdp);
    rmSync(profile, { recursive: true, force: true });
  }
}

function pageLog(events: readonly CdpEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.method === 'Runtime.consoleAPICalled') {
      const args = (e.params.args as { value?: unknown; description?: string }[] | undefined) ?? [];
      out.push(`console.${String(e.params.type)}: ${args.map((a) => (a.value !== undefined ? String(a.value) : a.description ?? '')).join(' ')}`);
    } else if (e.method === 'Runtime.exceptionThrown') {
      const d = e.params.exceptionDetails as { text?: string; exception?: { description?: string } };
      out.push(`uncaught: ${d.exception?.description ?? d.text}`);
    }
  }
  return out;
}

async function closeBrowser(child: ChildProcess, cdp: CdpPipe): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cdp.send('Browser.close').catch(() => undefined);
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(killer);
}
