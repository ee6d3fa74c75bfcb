import type { Readable, Writable } from 'node:stream';

/*
 * A minimal Chrome DevTools Protocol client over Chromium's --remote-debugging-pipe (fd 3: we
 * write, fd 4: we read; messages are JSON terminated by NUL). Why a pipe and not
 * --remote-debugging-port + WebSocket: Node 20 (our engines floor) has no WebSocket without a flag,
 * a pipe needs no free port and no package, and it is the same protocol puppeteer speaks in its
 * default `pipe` mode. About 70 lines instead of a dependency tree.
 */

export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (err: Error) => void;
  method: string;
}

export class CdpPipe {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffered = '';
  private closedWith: Error | null = null;
  private waiters: { method: string; sessionId?: string; resolve: (e: CdpEvent) => void; reject: (err: Error) => void }[] = [];
  readonly events: CdpEvent[] = [];

  constructor(private readonly out: Writable, input: Readable) {
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => this.receive(chunk));
    input.on('close', () => this.fail(new Error('the browser closed the DevTools pipe')));
    input.on('error', (e: Error) => this.fail(e));
    out.on('error', (e: Error) => this.fail(e));
  }

  /** Sends one command (to the browser, or to an attached page's session) and awaits its result. */
  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    const message = JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.out.write(message + '\0');
    });
  }

  /** The next event `method` (of `sessionId`), or a rejection when the pipe closes first. */
  waitFor(method: string, sessionId?: string): Promise<CdpEvent> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => this.waiters.push({ method, sessionId, resolve, reject }));
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let end: number;
    while ((end = this.buffered.indexOf('\0')) >= 0) {
      const text = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + 1);
      const msg = JSON.parse(text) as { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
      if (msg.id === undefined) {
        if (msg.method) this.dispatch({ method: msg.method, params: msg.params ?? {}, sessionId: msg.sessionId });
        continue;
      }
      const p = this.pending.get(msg.id);
      if (!p) continue;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`DevTools ${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result ?? {});
    }
  }

  private dispatch(event: CdpEvent): void {
    this.events.push(event);
    const hit = this.waiters.filter((w) => w.method === event.method && (w.sessionId === undefined || w.sessionId === event.sessionId));
    this.waiters = this.waiters.filter((w) => !hit.includes(w));
    for (const w of hit) w.resolve(event);
  }

  private fail(e: Error): void {
    if (this.closedWith) return;
    this.closedWith = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    for (const w of this.waiters) w.reject(e);
    this.waiters = [];
  }
}
