// Streetboard on a cheap phone: what a neighbour feels when opening a board page.
//
// Drives Debian's Chromium through Playwright and the Chrome DevTools Protocol with a phone
// profile (360×740 touch screen, CPU slowed 4×, Lighthouse's "slow 4G" network) and, for each
// run, measures three starts of the same board page:
//   1. cold first visit (empty profile: no cache, no service worker, no IndexedDB):
//      first-contentful-paint, largest-contentful-paint, and when the WebAssembly has hydrated
//      the page (<html data-hydrated="true">); then waits until the service worker controls
//      the page and the sync engine has copied the board to the phone;
//   2. online warm start (browser closed and started again on the same profile): until the
//      board's first post card is visible (rendered with a box, not necessarily scrolled to;
//      never counted earlier than first-contentful-paint — see installMarks);
//   3. offline cold start (started again, no signal at all): until the first post card is
//      visible, served by the service worker and the phone's copy.
// All times are in the page's own clock, from the start of the navigation.
//
// Called by `cargo xtask bench`, which computes the medians and writes the report:
//
//   node end2end/bench/phone.mjs --base http://127.0.0.1:PORT --cookie sb_session=TOKEN \
//     --path /b/SLUG --runs 5 --chromium /usr/bin/chromium
//
// Prints ONE JSON object on stdout, raw per-run numbers in milliseconds (1 decimal):
//   {"runs":5,"fcp_ms":[…],"lcp_ms":[…],"hydrated_ms":[…],"online_warm_ms":[…],
//    "offline_cold_ms":[…],"offline_served_by_service_worker":true,"chromium":"<version>"}
// Everything else (progress, diagnostics) goes to stderr; PHONE_DEBUG=1 adds the pages'
// console. Any failure — a wait over 60 s, a phase over 90 s, the posts never showing, the
// session refused — exits non-zero with a message; no number is ever made up.
//
// Needs no npm package beyond @playwright/test (end2end/node_modules) and no Playwright
// browser download: it always launches the Chromium given by --chromium.

import { chromium } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** The longest any one wait (a launch, a navigation, a mark, the sync engine) may take. */
const WAIT_TIMEOUT_MS = 60_000;
/** The longest a whole phase (cold, warm, offline) of a run may take, its waits together. */
const PHASE_TIMEOUT_MS = 90_000;
/** LCP only settles on input or when the page is hidden: read it this long after hydration. */
const LCP_SETTLE_MS = 500;
/** A board's post card (app/src/pages/board.rs, PostCardItem: `<ul class="post-list"><li><article class="post-card">`). */
const POST_CARD = 'ul.post-list > li > article.post-card';

/** Lighthouse's "slow 4G": 150 ms round trip, 1.6 Mbps down, 750 kbps up (bytes per second). */
const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};
const CPU_SLOWDOWN = 4;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const log = (message) => process.stderr.write(`phone: ${message}\n`);
const round1 = (ms) => Math.round(ms * 10) / 10;

/** A failure worth a clear one-line message (no stack trace needed). */
class BenchError extends Error {}

function options() {
  const { values } = parseArgs({
    options: {
      base: { type: 'string' },
      cookie: { type: 'string' },
      path: { type: 'string' },
      runs: { type: 'string', default: '5' },
      chromium: { type: 'string', default: '/usr/bin/chromium' },
    },
    strict: true,
  });
  const usage =
    'usage: node end2end/bench/phone.mjs --base http://127.0.0.1:PORT --cookie sb_session=TOKEN ' +
    '--path /b/SLUG [--runs 5] [--chromium /usr/bin/chromium]';
  if (!values.base || !values.cookie || !values.path) throw new BenchError(usage);
  const base = new URL(values.base);
  const eq = values.cookie.indexOf('=');
  if (eq <= 0) throw new BenchError(`--cookie should be NAME=VALUE, got "${values.cookie}"`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new BenchError(`--runs should be a whole number ≥ 1, got "${values.runs}"`);
  if (!values.path.startsWith('/')) throw new BenchError(`--path should start with "/", got "${values.path}"`);
  return {
    base,
    url: new URL(values.path, base).href,
    cookie: { name: values.cookie.slice(0, eq), value: values.cookie.slice(eq + 1) },
    runs,
    executablePath: values.chromium,
  };
}

/**
 * Runs in the page before any of its own scripts (context.addInitScript), in every document the
 * phase loads, and records the moments in the page's own clock: performance.now() counts from
 * the navigation's start, so each mark is "time since navigation start" with no round trip to
 * Node (polling from Node would add its own latency to every number).
 */
function installMarks(cardSelector) {
  if (window.__phoneBench) return;
  const marks = {
    fcp: null,
    lcp: null,
    lcpElement: null,
    hydrated: null,
    postsVisible: null,
    /** Was a post card already in the HTML when it was parsed (server-rendered or cached page)? */
    postsInHtml: null,
    /** Where the first card was, in CSS pixels from the top of the viewport. */
    postsTop: null,
    controlledAtStart: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
  };
  window.__phoneBench = marks;

  const describe = (el) => {
    if (!el) return '(element gone)';
    const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `<${el.tagName.toLowerCase()}${cls}>${text ? ` "${text}"` : ''}`;
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') marks.fcp = e.startTime;
    }).observe({ type: 'paint', buffered: true });
    new PerformanceObserver((list) => {
      const entries = list.getEntries();
      const last = entries[entries.length - 1];
      if (!last) return;
      marks.lcp = last.startTime; // renderTime, or loadTime when there is none
      marks.lcpElement = `${describe(last.element)}${last.url ? ` ${last.url}` : ''} (${last.size} px²)`;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  } catch (e) {
    // Left as null: the Node side reports the missing number as a failure.
  }

  // "Visible" is decided in an animation frame: rAF callbacks only run once the page can render
  // (not while its stylesheet still blocks rendering), and the mark is the start of the first
  // frame that renders the card. A card only in the DOM, or with no box, does not count; one
  // below the fold does (on a 360×740 screen an organiser's invite box and the filters come
  // first, and content off screen is never painted, so the paint-based Element Timing API
  // cannot time it). A frame's pixels reach the screen a little after its rAF callbacks, so
  // the Node side never lets the mark be earlier than first-contentful-paint: a card in the
  // server's HTML counts from exactly the first contentful paint, one rendered later from the
  // start of its frame. (A mark taken in a task after the frame was tried and rejected: under
  // the 4× CPU slowdown it waits behind script and WebAssembly work, adding up to ~300 ms.)
  let frameAsked = false;
  const checkPosts = () => {
    if (marks.postsVisible !== null || frameAsked || !document.querySelector(cardSelector)) return;
    frameAsked = true;
    requestAnimationFrame(() => {
      frameAsked = false;
      const card = document.querySelector(cardSelector);
      if (!card || marks.postsVisible !== null) return;
      const box = card.getBoundingClientRect();
      const shown = (card.checkVisibility ? card.checkVisibility() : true) && box.width > 0 && box.height > 0;
      if (shown) {
        marks.postsVisible = performance.now();
        marks.postsTop = Math.round(box.top);
      } else {
        checkPosts();
      }
    });
  };
  const checkHydrated = () => {
    const html = document.documentElement;
    if (marks.hydrated === null && html && html.getAttribute('data-hydrated') === 'true') {
      marks.hydrated = performance.now();
    }
  };
  // Observes the document itself: at this point <html> may not exist yet. The callback runs
  // as a microtask right after each change (the parser's and the WebAssembly's).
  const observer = new MutationObserver(() => {
    checkHydrated();
    checkPosts();
    if (marks.hydrated !== null && marks.postsVisible !== null) observer.disconnect();
  });
  observer.observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-hydrated'],
  });
  document.addEventListener('DOMContentLoaded', () => {
    marks.postsInHtml = marks.hydrated === null && !!document.querySelector(cardSelector);
    checkPosts();
  });
}

/** Rejects with a clear message when `promise` takes longer than `ms`. */
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new BenchError(`${what}: took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts Chromium on `userDataDir` as a phone, signed in, with the marks installed.
 *
 * Every phase uses launchPersistentContext on the same directory: a normal (incognito-like)
 * context keeps nothing once closed, but the warm and offline starts are about what the phone
 * kept — the service worker and its caches, the HTTP cache, the IndexedDB copy of the board —
 * after the browser was really closed and opened again.
 */
async function launch(opts, userDataDir) {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: opts.executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    timeout: WAIT_TIMEOUT_MS,
  });
  context.setDefaultTimeout(WAIT_TIMEOUT_MS);
  // The session cookie as the server sets it (HttpOnly, Path=/). Added on every launch: it is
  // not worth depending on whether Chromium wrote it to the profile before closing.
  await context.addCookies([
    {
      name: opts.cookie.name,
      value: opts.cookie.value,
      domain: opts.base.hostname,
      path: '/',
      httpOnly: true,
      secure: opts.base.protocol === 'https:',
      sameSite: 'Lax',
    },
  ]);
  await context.addInitScript(installMarks, POST_CARD);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => log(`  page error: ${error.message}`));
  if (process.env.PHONE_DEBUG) page.on('console', (m) => log(`  console.${m.type()}: ${m.text()}`));
  const cdp = await context.newCDPSession(page);
  return { context, page, cdp };
}

/**
 * The phone profile, set on the page before it navigates. Network emulation covers the page's
 * own requests; requests a service worker makes with fetch() come from the worker's own target
 * and are not slowed by it (nor, likely, by the CPU throttle, which slows the page's main
 * thread). That is accepted: the warm start's page comes through the worker, so its HTML
 * arrives faster than on a real slow 4G link.
 */
async function phoneProfile(cdp, { network }) {
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  if (network) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  }
}

/** Fails unless the page is the board page asked for (no session sends it to sign in). */
function expectBoardPage(page, response, opts) {
  if (!response || response.status() !== 200) {
    const status = response ? response.status() : 'nothing';
    throw new BenchError(`GET ${opts.url} answered ${status}${status === 401 ? ' (is the session cookie valid?)' : ''}`);
  }
  const at = new URL(page.url());
  if (at.pathname !== new URL(opts.url).pathname) {
    throw new BenchError(`GET ${opts.url} ended on ${at.pathname}${at.search} (is the session cookie valid, and the person a member?)`);
  }
}

const readMarks = (page) => page.evaluate(() => window.__phoneBench);

/** Waits, in the page, until `marks[name]` has been recorded. */
async function waitForMark(page, name, what) {
  try {
    await page.waitForFunction((n) => window.__phoneBench && window.__phoneBench[n] !== null, name, {
      polling: 250,
      timeout: WAIT_TIMEOUT_MS,
    });
  } catch (error) {
    throw new BenchError(`${what} never happened (${error.message.split('\n')[0]}); marks: ${JSON.stringify(await readMarks(page).catch(() => null))}`);
  }
  return readMarks(page);
}

/**
 * Waits until the first post card has been rendered and the first contentful paint reported;
 * returns the marks with `posts`: when the card could be seen (its frame, and never before
 * anything at all was on screen).
 */
async function waitForPosts(page, what) {
  await waitForMark(page, 'postsVisible', what);
  const marks = await waitForMark(page, 'fcp', 'first-contentful-paint');
  return { ...marks, posts: Math.max(marks.postsVisible, marks.fcp) };
}

/** Waits until a service worker controls the page, reloading once if it is active but does not. */
async function serviceWorkerControls(page) {
  const state = () =>
    page.evaluate(async () => {
      if (!('serviceWorker' in navigator)) return 'this browser has no navigator.serviceWorker';
      const sleep = (ms, value) => new Promise((resolve) => setTimeout(resolve, ms, value));
      // The app registers /sw.js once the page has loaded; `ready` waits for it to be active
      // (its precache filled).
      const active = await Promise.race([navigator.serviceWorker.ready.then(() => true), sleep(30_000, false)]);
      if (!active) return 'no service worker became active within 30 s';
      if (!navigator.serviceWorker.controller) {
        // The worker claims open pages when it activates: give the controllerchange a moment.
        await Promise.race([
          new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true })),
          sleep(5_000),
        ]);
      }
      return navigator.serviceWorker.controller ? 'controlled' : 'active but not controlling this page';
    });
  let now = await state();
  if (now === 'active but not controlling this page') {
    log('  the service worker is active but does not control the page: reloading once');
    await page.reload({ waitUntil: 'commit' });
    await waitForMark(page, 'hydrated', 'hydration after the reload');
    now = await state();
  }
  if (now !== 'controlled') throw new BenchError(`service worker: ${now}`);
}

/**
 * Waits until the sync engine has copied the board and has nothing to do, as the offline tests
 * do (end2end/tests/offline-helpers.ts, openBoardReady and settled): the sync panel says the
 * board was "Brought up to date", and <html data-sync="idle" data-waiting="0">.
 */
async function syncSettled(page, timeout = WAIT_TIMEOUT_MS) {
  try {
    await page.waitForFunction(
      () => {
        const html = document.documentElement;
        const freshness = document.querySelector('.sync-panel .sync-freshness');
        return (
          html.getAttribute('data-sync') === 'idle' &&
          html.getAttribute('data-waiting') === '0' &&
          !!freshness &&
          freshness.textContent.includes('Brought up to date')
        );
      },
      null,
      { polling: 250, timeout },
    );
  } catch (error) {
    const state = await page
      .evaluate(() => ({
        sync: document.documentElement.getAttribute('data-sync'),
        waiting: document.documentElement.getAttribute('data-waiting'),
        freshness: document.querySelector('.sync-panel .sync-freshness')?.textContent ?? null,
      }))
      .catch(() => null);
    throw new BenchError(`the sync engine did not settle with the board copied: ${JSON.stringify(state)}`);
  }
}

/**
 * Waits until the service worker has stored this page in its pages cache (it does so, in the
 * background, for pages it fetches), so closing the browser does not cut that write short.
 * Only a warning when it does not: the worker then serves its offline shell instead.
 */
async function pageCached(page, url) {
  const cached = await page.evaluate(async (u) => {
    for (let i = 0; i < 40; i++) {
      const names = (await caches.keys()).filter((n) => n.startsWith('streetboard-pages-'));
      for (const name of names) if (await (await caches.open(name)).match(u, { ignoreVary: true })) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return false;
  }, url);
  if (!cached) log('  warning: the service worker had not stored the board page after 10 s');
}

async function close(context) {
  await within(20_000, 'closing Chromium', context.close()).catch((error) => log(`  ${error.message}`));
}

/** Phase 1: the first visit on an empty profile. */
async function coldFirstVisit(opts, dir, chromiumVersion) {
  const { context, page, cdp } = await launch(opts, dir);
  try {
    if (!chromiumVersion.value) chromiumVersion.value = (await cdp.send('Browser.getVersion')).product;
    await phoneProfile(cdp, { network: true });
    const response = await page.goto(opts.url, { waitUntil: 'commit' });
    expectBoardPage(page, response, opts);
    await waitForMark(page, 'hydrated', 'hydration');
    // A board with no posts would make the warm and offline numbers meaningless.
    await waitForPosts(page, 'the first post card showing (does the board have posts?)');
    await page.waitForTimeout(LCP_SETTLE_MS);
    const marks = await readMarks(page);
    if (marks.lcp === null) throw new BenchError('no largest-contentful-paint entry');
    marks.posts = Math.max(marks.postsVisible, marks.fcp);
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return n ? { end: n.responseEnd, bytes: n.transferSize } : null;
    });
    // Where the time until hydrated goes: the wasm's download, its compiling and starting
    // (the app's first mark), and hydrating (the app's mark when hydrate_body returned).
    const parts = await page.evaluate(() => {
      const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
      const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
      return {
        wasmDownloaded: wasm ? wasm.responseEnd : null,
        wasmStarted: mark('streetboard:started'),
        hydrateDone: mark('streetboard:hydrated'),
      };
    });
    if (parts.wasmDownloaded === null || parts.wasmStarted === null || parts.hydrateDone === null) {
      throw new BenchError(`the hydration marks are missing: ${JSON.stringify(parts)}`);
    }
    Object.assign(marks, parts, { htmlIn: nav ? nav.end : null });
    log(
      `  cold: html in ${round1(marks.htmlIn)} ms, wasm downloaded ${round1(parts.wasmDownloaded)} ms, ` +
        `started ${round1(parts.wasmStarted)} ms, hydrate_body done ${round1(parts.hydrateDone)} ms`,
    );
    log(
      `  cold: fcp ${round1(marks.fcp)} ms, lcp ${round1(marks.lcp)} ms, hydrated ${round1(marks.hydrated)} ms, ` +
        `posts visible ${round1(marks.posts)} ms (first card ${marks.postsTop} px down)` +
        (nav ? ` (html in after ${round1(nav.end)} ms, ${nav.bytes} bytes)` : ''),
    );
    log(`  cold: LCP element ${marks.lcpElement}`);
    // Leave the phone with its copy: the worker controlling the page, the board in IndexedDB.
    await serviceWorkerControls(page);
    // Opened straight from its address, the board page alone has the phone keep the board.
    await syncSettled(page);
    log('  cold: service worker controls the page, board copied, sync idle');
    return marks;
  } finally {
    await close(context);
  }
}

/** Phase 2: the browser started again on the same profile, online. */
async function onlineWarmStart(opts, dir) {
  const { context, page, cdp } = await launch(opts, dir);
  try {
    await phoneProfile(cdp, { network: true });
    const response = await page.goto(opts.url, { waitUntil: 'commit' });
    expectBoardPage(page, response, opts);
    const marks = await waitForPosts(page, 'the first post card showing');
    log(
      `  warm: fcp ${round1(marks.fcp)} ms, posts visible ${round1(marks.posts)} ms (page from the service worker: ${response.fromServiceWorker()}, ` +
        `controlled at start: ${marks.controlledAtStart}, cards in the HTML: ${marks.postsInHtml}, first card ${marks.postsTop} px down)`,
    );
    // Let the visit finish like a real one before closing: hydrated, the worker's copy of the
    // page stored, the engine idle again.
    await waitForMark(page, 'hydrated', 'hydration');
    await pageCached(page, opts.url);
    await syncSettled(page);
    return { marks, fromServiceWorker: response.fromServiceWorker() };
  } finally {
    await close(context);
  }
}

/** Phase 3: started again on the same profile with no signal at all. */
async function offlineColdStart(opts, dir) {
  const { context, page, cdp } = await launch(opts, dir);
  try {
    // No signal before the page is even asked for. setOffline emulates it through the same
    // Network domain (and makes navigator.onLine false), so the slow-4G conditions are not set
    // on top of it; only the CPU is slowed.
    await context.setOffline(true);
    await phoneProfile(cdp, { network: false });
    let response;
    try {
      response = await page.goto(opts.url, { waitUntil: 'commit' });
    } catch (error) {
      throw new BenchError(`with no signal, the board page did not load at all: ${error.message.split('\n')[0]}`);
    }
    const marks = await waitForPosts(page, 'the first post card showing with no signal');
    const fromServiceWorker = !!response && response.fromServiceWorker();
    // The app's own view of it: once hydrated, the engine says "offline" and the header "Offline".
    await waitForMark(page, 'hydrated', 'hydration with no signal');
    const shown = await page.evaluate(() => ({
      sync: document.documentElement.getAttribute('data-sync'),
      connection: document.querySelector('[aria-label="Connection"]')?.textContent?.trim() ?? null,
    }));
    log(
      `  offline: fcp ${round1(marks.fcp)} ms, posts visible ${round1(marks.posts)} ms (page from the service worker: ${fromServiceWorker}, ` +
        `cards in the HTML: ${marks.postsInHtml}, data-sync=${shown.sync}, connection "${shown.connection}")`,
    );
    if (shown.sync !== 'offline') log(`  warning: with no signal the page says data-sync="${shown.sync}", not "offline"`);
    return { marks, fromServiceWorker };
  } finally {
    await close(context);
  }
}

async function main() {
  const opts = options();
  const out = {
    runs: opts.runs,
    fcp_ms: [],
    lcp_ms: [],
    hydrated_ms: [],
    html_in_ms: [],
    wasm_downloaded_ms: [],
    wasm_started_ms: [],
    hydrate_done_ms: [],
    online_warm_ms: [],
    offline_cold_ms: [],
    offline_served_by_service_worker: true,
    chromium: null,
  };
  const chromiumVersion = { value: null };
  const started = Date.now();
  for (let run = 1; run <= opts.runs; run++) {
    // A fresh profile per run, so each cold visit really starts from nothing.
    const dir = await mkdtemp(join(tmpdir(), 'streetboard-phone-'));
    log(`run ${run}/${opts.runs} (profile ${dir})`);
    try {
      const cold = await within(PHASE_TIMEOUT_MS, `run ${run}, cold first visit`, coldFirstVisit(opts, dir, chromiumVersion));
      const warm = await within(PHASE_TIMEOUT_MS, `run ${run}, online warm start`, onlineWarmStart(opts, dir));
      const offline = await within(PHASE_TIMEOUT_MS, `run ${run}, offline cold start`, offlineColdStart(opts, dir));
      out.fcp_ms.push(round1(cold.fcp));
      out.lcp_ms.push(round1(cold.lcp));
      out.hydrated_ms.push(round1(cold.hydrated));
      out.html_in_ms.push(round1(cold.htmlIn));
      out.wasm_downloaded_ms.push(round1(cold.wasmDownloaded));
      out.wasm_started_ms.push(round1(cold.wasmStarted));
      out.hydrate_done_ms.push(round1(cold.hydrateDone));
      out.online_warm_ms.push(round1(warm.marks.posts));
      out.offline_cold_ms.push(round1(offline.marks.posts));
      out.offline_served_by_service_worker &&= offline.fromServiceWorker;
    } finally {
      await rm(dir, { recursive: true, force: true }).catch((error) => log(`could not delete ${dir}: ${error.message}`));
    }
  }
  out.chromium = chromiumVersion.value;
  log(`done: ${opts.runs} run(s) in ${round1((Date.now() - started) / 1000)} s`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error) => {
  log(`FAILED: ${error instanceof BenchError ? error.message : error.stack || error}`);
  // A Chromium that will not close must not keep the process (and the xtask) waiting.
  setTimeout(() => process.exit(1), 5_000).unref();
  process.exitCode = 1;
});
