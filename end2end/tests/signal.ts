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

/** A request the cut refused: when, how long after the cut, and its first line
 * (`POST /sync/push HTTP/1.1`). */
export interface Refused {
  at: number;
  afterCutMs: number;
  line: string;
}

export class Signal {
  /** The phone's way to the server: its base URL. */
  readonly url: string;
  /** Requests that tried to get through while the signal was cut. */
  readonly refused: Refused[] = [];
  private state: 'up' | 'cut' = 'up';
  private cutAt = 0;
  /** Cut as the answer to the next request whose path starts with this comes back. */
  private cutOnAnswerTo: string | null = null;
  private readonly open = new Set<Socket>();

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

  private onAnswerCut: ((statusLine: string) => void) | null = null;

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
      const line = chunk.subarray(0, 200).toString('latin1').split('\r\n')[0];
      this.refused.push({ at, afterCutMs: at - this.cutAt, line });
      phone.resetAndDestroy();
    });
    phone.on('error', () => {});
  }
}

/** A page's fetches with what `navigator.onLine` said as each was made, as `console.debug`
 * lines `[send] onLine=… METHOD URL` (read back by `sends`). Added before any page loads. */
export async function watchSends(context: BrowserContext): Promise<string[]> {
  const sends: string[] = [];
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
  // Every request Chromium reports for the context, with where it came from: for a refused
  // request the page's fetch did not make, this says who did.
  context.on('request', (request) => {
    let from = 'a service worker';
    try {
      if (!request.serviceWorker()) from = `the frame at ${new URL(request.frame().url()).pathname}`;
    } catch {
      from = 'no frame';
    }
    const path = new URL(request.url()).pathname;
    sends.push(`${new Date().toISOString()} seen ${request.method()} ${path} ${request.resourceType()} from ${from}`);
  });
  context.on('console', (message) => {
    if (message.type() === 'debug' && message.text().startsWith('[send] ')) {
      sends.push(`${new Date().toISOString()} ${message.text().slice(7)}`);
    }
  });
  return sends;
}

/** The phones of the test now running, for the report at its end. */
const phones: { name: string; signal: Signal; sends: string[] }[] = [];

/** Keeps `signal` and the page's `sends` for the end-of-test report (see `signalReport`). */
export function keepForReport(name: string, signal: Signal, sends: string[]): void {
  phones.push({ name, signal, sends });
}

/**
 * One `[signal]` line per phone that had a request refused while its signal was cut: what it
 * tried to send, and what the page believed (`navigator.onLine`) when it last sent that; a
 * refused request the page never made came from its service worker (a page load) or from
 * Chromium itself. Empties the list for the next test. `cargo xtask soak` tallies these lines.
 */
export function signalReport(): string[] {
  const lines = phones
    .filter((phone) => phone.signal.refused.length > 0)
    .map(({ name, signal, sends }) => {
      const what = signal.refused.map(({ at, afterCutMs, line }) => {
        const [method, url] = line.split(' ');
        const sent = sends
          // The page's console line can reach the test a little after its request reached
          // the forwarder.
          .filter((send) => Date.parse(send.slice(0, 24)) <= at + 250)
          .map((send) => send.slice(25))
          .filter((send) => !send.startsWith('seen '))
          .filter((send) => {
            const [, sentMethod, sentUrl] = /^onLine=\S+ (\S+) (\S+)/.exec(send) ?? [];
            if (sentMethod !== method || sentUrl === undefined) return false;
            const sentTo = new URL(sentUrl, 'http://phone');
            return sentTo.pathname + sentTo.search === url;
          })
          .pop();
        const believed = sent ? `page: ${sent.split(' ')[0]}` : 'not a page fetch';
        // For a request the page did not make itself, what it did make around then.
        const around = sent
          ? ''
          : ` [the same request begun in the 20 s before: ${sends
              // Anything the page or Chromium started in the 20 s before, of the same kind.
              .filter((send) => {
                const sentAt = Date.parse(send.slice(0, 24));
                return sentAt <= at + 500 && sentAt >= at - 20_000 && send.includes(` ${method} `) && send.includes(url.split('?')[0]);
              })
              .map((send) => {
                const when = `${Date.parse(send.slice(0, 24)) - at} ms`;
                if (send.slice(25).startsWith('seen ')) return `${when} ${send.slice(25)}`;
                const [online, method, url] = send.slice(25).split(' ');
                const path = new URL(url ?? '/', 'http://phone').pathname;
                return `${when} ${online} ${method} ${path}`;
              })
              .filter((line) => !/ GET \/pkg\/| (POST|GET) \/api\/load_/.test(line))
              .join(', ') || 'none'}]`;
        return `${line} ${afterCutMs} ms after the cut (${believed})${around}`;
      });
      return `[signal] ${name}: ${signal.refused.length} refused while cut: ${what.join('; ')}`;
    });
  phones.length = 0;
  return lines;
}
