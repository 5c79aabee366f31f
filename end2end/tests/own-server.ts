// A release server the test starts, stops and starts again itself (the offline spec's restart
// test). `cargo xtask test` says how through the environment: STREETBOARD_BIN,
// STREETBOARD_SITE_ROOT, STREETBOARD_E2E_DATABASE_URL (PostgreSQL on the PostgreSQL pass) and
// STREETBOARD_E2E_SERVER_LOG. Run by hand, it falls back to the release build in target/ and
// an SQLite file in a temporary folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

function scratchDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'streetboard-own-server-'));
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class OwnServer {
  readonly url: string;
  readonly logPath: string;
  private readonly addr: string;
  private readonly bin: string;
  private readonly siteRoot: string;
  private readonly databaseUrl: string;
  private child: ChildProcess | null = null;
  private starts = 0;

  private constructor(port: number) {
    this.addr = `127.0.0.1:${port}`;
    this.url = `http://${this.addr}`;
    this.bin = process.env.STREETBOARD_BIN ?? path.join(ROOT, 'target/release/streetboard');
    this.siteRoot = process.env.STREETBOARD_SITE_ROOT ?? path.join(ROOT, 'target/site');
    let scratch: string | undefined;
    const inScratch = (name: string) => path.join((scratch ??= scratchDir()), name);
    this.databaseUrl = process.env.STREETBOARD_E2E_DATABASE_URL ?? `sqlite://${inScratch('own-server.db')}`;
    this.logPath = process.env.STREETBOARD_E2E_SERVER_LOG ?? inScratch('own-server.log');
  }

  /** Starts a server on a free port and waits until /healthz answers. */
  static async start(): Promise<OwnServer> {
    const server = new OwnServer(await freePort());
    await server.startAgain();
    return server;
  }

  /** Starts the server (again) on the same address and waits until /healthz answers. */
  async startAgain(): Promise<void> {
    if (this.child) throw new Error(`the server on ${this.url} is still running`);
    this.starts += 1;
    appendFileSync(this.logPath, `\n----- own server start ${this.starts} on ${this.url} at ${new Date().toISOString()} -----\n`);
    const log = openSync(this.logPath, 'a');
    const child = spawn(this.bin, [], {
      cwd: ROOT,
      env: {
        ...process.env,
        STREETBOARD_ADDR: this.addr,
        STREETBOARD_SITE_ROOT: this.siteRoot,
        DATABASE_URL: this.databaseUrl,
        RUST_LOG: 'info,tower_http=debug',
      },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    let exited: string | null = null;
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `status ${code}`}`;
      if (this.child === child) this.child = null;
    });
    child.once('error', (e) => {
      exited = `could not start: ${e.message}`;
      if (this.child === child) this.child = null;
    });

    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`${this.bin} ${exited} before answering /healthz\n${this.logTail()}`);
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await sleep(200);
    }
    await this.stop();
    throw new Error(`the server did not answer ${this.url}/healthz within ${START_TIMEOUT_MS / 1000} s\n${this.logTail()}`);
  }

  /** SIGTERM (as a process manager would), then SIGKILL if it has not stopped in 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!stopped) {
      child.kill('SIGKILL');
      await exited;
    }
    this.child = null;
  }

  /** The last lines of the log, for a failure message. */
  logTail(lines = 40): string {
    let text = '';
    try {
      text = readFileSync(this.logPath, 'utf8');
    } catch {
      return `(no log at ${this.logPath})`;
    }
    const tail = text.trimEnd().split('\n').slice(-lines);
    return `last lines of ${this.logPath}:\n${tail.map((l) => `  | ${l}`).join('\n')}`;
  }
}
