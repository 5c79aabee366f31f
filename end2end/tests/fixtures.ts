// Shared test fixtures: a `page` that fails the test on console errors or uncaught page errors, plus waitForHydration.
import { test as base, expect, type Page } from '@playwright/test';
import { keepForReport, Signal, signalReport, watchSends } from './signal';

// Chromium's own log line when a fetched resource answers with an error status.
const FAILED_LOAD = /^Failed to load resource: the server responded with a status of (\d+)/;

/**
 * Starts collecting a page's console errors and uncaught errors; the returned function lists
 * them (an empty list when all is well).
 */
export function watchForErrors(page: Page): () => string[] {
  const consoleErrors: { text: string; url: string; where: string }[] = [];
  const pageErrors: string[] = [];
  // Top-level documents that answered 4xx/5xx: their status is the test's to assert, not an error.
  const errorDocuments = new Set<string>();

  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    const where = loc.url ? ` — from ${loc.url} line ${loc.lineNumber + 1}` : '';
    consoleErrors.push({ text: msg.text(), url: loc.url, where });
  });
  page.on('pageerror', (err) => {
    // One line per error: multi-line stacks would be mistaken for the fixture's own stack in the report.
    const frame = err.stack?.split('\n').find((line) => line.trim().startsWith('at '));
    const where = frame ? ` — from ${frame.trim().slice(3).replace(/:(\d+):\d+(\)?)$/, ' line $1$2')}` : '';
    pageErrors.push(`uncaught page error: ${err.name}: ${err.message}${where}`);
  });
  page.on('response', (res) => {
    const req = res.request();
    if (res.status() >= 400 && req.isNavigationRequest() && req.frame() === page.mainFrame()) {
      errorDocuments.add(res.url());
    }
  });

  return () => [
    ...consoleErrors
      .filter(({ text, url }) => {
        if (!FAILED_LOAD.test(text)) return true;
        if (errorDocuments.has(url)) return false; // e.g. the 404 page itself
        // A server function refusing bad input answers 4xx with a message the page shows (the
        // tests assert those); Chromium logs that as a failed load. A 5xx still fails the test.
        const status = Number(FAILED_LOAD.exec(text)?.[1]);
        if (url && new URL(url).pathname.startsWith('/api/') && status >= 400 && status < 500) return false;
        // Chromium asks for /favicon.ico on its own, at a racy moment; ignore it so tests are not flaky.
        return !url || new URL(url).pathname !== '/favicon.ico';
      })
      .map(({ text, where }) => `console.error: ${text}${where}`),
    ...pageErrors,
  ];
}

/** Throws, listing them, when a page reported errors. */
export function failOnErrors(problems: string[]): void {
  if (problems.length > 0) {
    const message =
      `The page reported ${problems.length} error(s):\n` + problems.map((p, i) => `  ${i + 1}. ${p}`).join('\n');
    const error = new Error(message);
    error.stack = `Error: ${message}`; // keep the report readable: the teardown stack says nothing useful
    throw error;
  }
}

export const test = base.extend<{ signal: Signal; report: void }>({
  // The test's own phone (the `context`, `page` and `request` fixtures) reaches the server
  // through a signal of its own, like every phone the helpers make (see signal.ts).
  signal: async ({}, use) => {
    const server = process.env.BASE_URL;
    if (!server) throw new Error('BASE_URL is not set (see playwright.config.ts)');
    const signal = await Signal.to(server);
    await use(signal);
    await signal.close();
  },
  baseURL: async ({ signal }, use) => {
    await use(signal.url);
  },
  context: async ({ context, signal }, use) => {
    keepForReport('this test\'s phone', signal, await watchSends(context));
    await use(context);
    signal.closing();
  },
  page: async ({ page }, use) => {
    const problems = watchForErrors(page);
    await use(page);
    failOnErrors(problems());
  },
  // After every test: which requests the cut signal refused, and what the page believed then.
  report: [
    async ({}, use) => {
      await use();
      for (const line of signalReport()) console.log(line);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the WebAssembly app has hydrated (it sets <html data-hydrated="true">). */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
}

/**
 * A tag for the names one spec file makes (people, boards, posts), so runs against a database
 * that already has data never meet old names. Random, not the clock: spec files loaded in the
 * same millisecond once drew the same tag and signed up the same "Asha".
 */
export function runTag(): string {
  return Math.random().toString(36).slice(2, 7).padEnd(5, '0');
}
