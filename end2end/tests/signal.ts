// A phone's signal, for real: each phone reaches the server through a loopback forwarder of its
// own (its own port, so its own origin), and losing signal means the forwarder refuses every
// new connection and resets the open ones, as a phone going into a lift sees. No request, from
// the page or from its service worker, can get past that, whatever Chromium's offline emulation
// has or has not reached yet. Every test that takes a phone offline does it through `cut()` (via
// offline-helpers' goOffline, or loseSignal for a test's own context).
//
// Why: Chromium's offline emulation reaches a freshly loaded document a moment late, and
// refusing requests at the context (`context.route`) does not see what a service-worker-
// controlled page sends once its worker lets the request through. A write made "offline" in a
// test once reached the server (issue 17). The forwarder also keeps the evidence: every request
// that tried to get through while cut (`refused`), and every fetch the page made with what
// `navigator.onLine` said at that moment (see `watchSends`).
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { BrowserContext } from '@playwright/test';

/** A request the cut refused: when, how long after the cut, its first line
 * (`POST /sync/push HTTP/1.1`), and what its head says of where it came from. */
export interface Refused {
  at: number;
  afterCutMs: number;
  line: string;
  /** The path of the document that sent it (its `Referer`), if it names one. */
  from: string | null;
  /** Chromium's own fetch of the service worker's script (`Service-Worker: script`), which it
   * makes from the browser process, where a context's offline emulation does not reach. */
  workerScript: boolean;
}

export class Signal {
  /** The phone's way to the server: its base URL. */
  readonly url: string;
  /** Requests that tried to get through while the signal was cut. */
  readonly refused: Refused[] = [];
  private state: 'up' | 'cut' = 'up';
  private cutAt = 0;
  /** When the test began closing this phone (see `closing`); 0 while it is in use. */
  private closingAt = 0;
  /** Cut as the answer to the next request whose path starts with this comes back. */
  private cutOnAnswerTo: string | null = null;
  private readonly open = new Set<Socket>();
  /** Told the answer's status line when `cutAsAnswerComes` cuts. */
  private onAnswerCut: ((statusLine: string) => void) | null = null;

  private constructor(
    private readonly listener: Server,
    /** The server this phone reaches (its base URL). */
    readonly server: string,
    port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    const { hostname, port: serverPort } = new URL(server);
    this.target = { host: hostname, port: Number(serverPort) };
  }

  private readonly target: { host: string; port: number };

  /** A forwarder to `target` (a base URL such as http://127.0.0.1:3000) on a free port. */
  static async to(target: string): Promise<Signal> {
    const listener = createServer();
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(0, '127.0.0.1', () => resolve());
    });
    const address = listener.address();
    if (!address || typeof address !== 'object') throw new Error('the forwarder has no port');
    const signal = new Signal(listener, target.replace(/\/$/, ''), address.port);
    listener.on('connection', (phone) => signal.accept(phone));
    return signal;
  }

  get isCut(): boolean {
    return this.state === 'cut';
  }

  /** No signal: new connections are reset at once, open ones now. */
  cut(): void {
    if (this.state === 'up') this.cutAt = Date.now();
    this.state = 'cut';
    this.cutOnAnswerTo = null;
    for (const socket of this.open) {
      if (socket.connecting) socket.destroy();
      else socket.resetAndDestroy();
    }
    this.open.clear();
  }

  /** The test is closing this phone now: what it sends from here on is told apart in the
   * report (Chromium lifts a context's offline emulation from its pages as it closes them). */
  closing(): void {
    if (this.closingAt === 0) this.closingAt = Date.now();
  }

  /** When the test began closing this phone, or 0. */
  get closedAt(): number {
    return this.closingAt;
  }

  /** Signal again. */
  restore(): void {
    this.state = 'up';
    this.cutOnAnswerTo = null;
  }

  /**
   * The next request whose path starts with `pathPrefix` reaches the server, but the signal goes
   * just as its answer starts to come back: the phone never hears it, and stays cut until
   * `restore()`. Resolves with the answer's status line once that has happened.
   */
  cutAsAnswerComes(pathPrefix: string): Promise<string> {
    this.cutOnAnswerTo = pathPrefix;
    return new Promise((resolve) => {
      this.onAnswerCut = resolve;
    });
  }


  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }

  private accept(phone: Socket): void {
    if (this.isCut) {
      this.refuse(phone);
      return;
    }
    const server = connect(this.target.port, this.target.host);
    this.open.add(phone);
    this.open.add(server);
    // Whether the request now on this connection is the one whose answer cuts the signal.
    let watched = false;
    phone.on('data', (chunk: Buffer) => {
      // Chromium sends one request at a time on a connection, each starting a chunk.
      const request = /^[A-Z]+ (\S+) HTTP\/1\.[01]\r\n/.exec(chunk.subarray(0, 2048).toString('latin1'));
      if (request) watched = this.cutOnAnswerTo !== null && request[1].startsWith(this.cutOnAnswerTo);
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (watched && this.cutOnAnswerTo !== null) {
        const statusLine = chunk.subarray(0, 200).toString('latin1').split('\r\n')[0];
        this.cut();
        this.onAnswerCut?.(statusLine);
        this.onAnswerCut = null;
        return;
      }
      phone.write(chunk);
    });
    // A side that finishes politely is passed on politely (what was written still arrives); a
    // side that fails takes the other down abruptly (a server that stopped, a phone that left).
    phone.on('end', () => server.end());
    server.on('end', () => phone.end());
    // A socket still connecting is destroyed outright: reset would first send what it holds.
    const drop = (socket: Socket) => (socket.connecting ? socket.destroy() : socket.resetAndDestroy());
    phone.on('error', () => drop(server));
    server.on('error', () => phone.resetAndDestroy());
    phone.on('close', () => this.open.delete(phone));
    server.on('close', () => this.open.delete(server));
  }

  /** Notes what the phone tried to send (its request line), then resets the connection. */
  private refuse(phone: Socket): void {
    const at = Date.now();
    // A connection that sends nothing at once is Chromium opening one ahead of need: not a
    // request, so not noted.
    const timer = setTimeout(() => phone.resetAndDestroy(), 50);
    phone.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      const [line, ...headers] = chunk.subarray(0, 4096).toString('latin1').split('\r\n\r\n')[0].split('\r\n');
      const header = (name: string) =>
        headers.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
      const referer = header('referer');
      this.refused.push({
        at,
        afterCutMs: at - this.cutAt,
        line,
        from: referer ? new URL(referer).pathname : null,
        workerScript: header('service-worker') === 'script',
      });
      phone.resetAndDestroy();
    });
    phone.on('error', () => {});
  }
}

/** A request the phone began: by the page's `fetch` (with what `navigator.onLine` said then), or
 * as Chromium reported it to Playwright (with where it came from). */
export interface Sent {
  at: number;
  method: string;
  path: string;
  search: string;
  /** `onLine=true`/`onLine=false` for the page's fetches; undefined for what Chromium saw. */
  online?: string;
  /** For what Chromium saw: `fetch from the frame at /b/…`, `script from a service worker`. */
  seen?: string;
}

/**
 * Notes every request the phone of `context` begins, into the returned list: the page's fetches
 * (a `console.debug` line `[send] onLine=… METHOD URL` from a wrapper added before any page
 * loads) and every request Chromium reports, with where it came from.
 */
export async function watchSends(context: BrowserContext): Promise<Sent[]> {
  const sent: Sent[] = [];
  const note = (method: string, url: string, more: Partial<Sent>) => {
    const { pathname, search } = new URL(url, 'http://phone');
    sent.push({ at: Date.now(), method, path: pathname, search, ...more });
  };
  await context.addInitScript(() => {
    // The app's WebAssembly calls the global `fetch` (wasm-bindgen's glue says `fetch(request)`),
    // which is this property of the window.
    const original = window.fetch.bind(window);
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      console.debug(`[send] onLine=${navigator.onLine} ${method} ${url}`);
      return original(input, init);
    };
  });
  context.on('console', (message) => {
    const [, online, method, url] = /^\[send\] (\S+) (\S+) (\S+)/.exec(message.text()) ?? [];
    if (message.type() === 'debug' && online && method && url) note(method, url, { online });
  });
  context.on('request', (request) => {
    let from = 'a service worker';
    try {
      if (!request.serviceWorker()) from = `the frame at ${new URL(request.frame().url()).pathname}`;
    } catch {
      from = 'no frame';
    }
    note(request.method(), request.url(), { seen: `${request.resourceType()} from ${from}` });
  });
  return sent;
}

/** The phones of the test now running, for the report at its end. */
const phones: { name: string; signal: Signal; sent: Sent[] }[] = [];

/** Keeps `signal` and what the phone `sent` for the end-of-test report (see `signalReport`). */
export function keepForReport(name: string, signal: Signal, sent: Sent[]): void {
  phones.push({ name, signal, sent });
}

/** Two moments this close are one event: a request begun this long before it reached the
 * forwarder, or this close to the phone leaving a document, belongs to that moment. */
const SAME_MOMENT_MS = 500;

/**
 * How one refused request was begun, as the report says it: its line, when, the document that
 * sent it, and in brackets the one reason `cargo xtask soak` tallies it under:
 *
 * - `(page: onLine=false)` / `(page: onLine=true)`: the page's fetch, and what
 *   `navigator.onLine` said as it sent it (false would be the app's fault);
 * - `(service worker script)`: Chromium's own check for a new worker;
 * - `(begun before the cut)`: begun while the phone still had signal (an EventSource, which no
 *   fetch wrapper sees, reconnecting), reaching the forwarder just after;
 * - `(as the phone was closed)`: sent after the test began closing the phone;
 * - `(as the page left for …)`: sent as the phone loaded a new document (a reload);
 * - `(unexplained)`, with every request of the same kind begun in the 20 s before.
 *
 * The last two are told from the page's own record where the page could not report it: its
 * console line is lost when it comes from a document being unloaded. Issue 17 found why such
 * requests exist: Chromium lifts the offline emulation from a document it unloads or closes, so
 * `navigator.onLine` turns true there, the `online` event fires, and the app sends its outbox.
 */
function describe(refused: Refused, sent: Sent[], closedAt: number): string {
  const [method, target] = refused.line.split(' ');
  const { pathname, search } = new URL(target ?? '/', 'http://phone');
  const same = (s: Sent) => s.method === method && s.path === pathname;
  const head = `${refused.line} ${refused.afterCutMs} ms after the cut${refused.from ? ` from ${refused.from}` : ''}`;
  // The page's console line can reach the test a little after its request reached the forwarder.
  const byPage = sent.filter((s) => s.online && same(s) && s.search === search && s.at <= refused.at + 250).pop();
  if (byPage) return `${head} (page: ${byPage.online})`;
  if (refused.workerScript) return `${head} (service worker script)`;
  const cutAt = refused.at - refused.afterCutMs;
  const begun = sent.find((s) => same(s) && s.at <= cutAt && refused.at - s.at <= SAME_MOMENT_MS);
  if (begun) return `${head} (begun before the cut, ${refused.at - begun.at} ms before it arrived)`;
  if (closedAt > 0 && refused.at >= closedAt) return `${head} (as the phone was closed)`;
  const left = sent.find((s) => s.seen?.startsWith('document ') && Math.abs(s.at - refused.at) <= SAME_MOMENT_MS);
  if (left) return `${head} (as the page left for ${left.path})`;
  const before = sent
    .filter((s) => same(s) && s.at <= refused.at + 500 && s.at >= refused.at - 20_000)
    .map((s) => `${s.at - refused.at} ms ${s.seen ? `seen ${s.method} ${s.path} ${s.seen}` : `${s.online} ${s.method} ${s.path}`}`);
  return `${head} (unexplained) [the same request begun in the 20 s before: ${before.join(', ') || 'none'}]`;
}

/**
 * One `[signal]` line per phone that had a request refused while its signal was cut: what it
 * tried to send, how long after the cut, and what the page believed (`navigator.onLine`) when
 * it sent that, or, for a request the page's fetch did not make, who began it. Empties the list
 * for the next test. `cargo xtask soak` tallies these lines.
 */
export function signalReport(): string[] {
  const lines = phones
    .filter(({ signal }) => signal.refused.length > 0)
    .map(({ name, signal, sent }) => {
      const what = signal.refused.map((refused) => describe(refused, sent, signal.closedAt));
      return `[signal] ${name}: ${signal.refused.length} refused while cut: ${what.join('; ')}`;
    });
  phones.length = 0;
  return lines;
}
