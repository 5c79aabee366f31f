// Helpers for the offline tests: a street with two neighbours, waiting for the service worker
// and the sync engine, writing with no signal, reading the server's copy through /sync/pull,
// and telling expected network failures from real errors.
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { expect } from './fixtures';
import type { Signal } from './signal';
import { joinBoard, neighbour, open, signUp, startBoard, type Neighbour } from './people';

/** The password people.ts's signUp gives everyone. */
export const PASSWORD = 'kettle orange bicycle';

/** How long the engine may take to send: the retry backoff starts at 2 s and doubles. */
export const SEND_TIMEOUT = 45_000;

/** Chromium's console line for a fetch that never got an answer (e.g. net::ERR_INTERNET_DISCONNECTED). */
export const netError = (code: string) => new RegExp(`Failed to load resource: net::${code}\\b`);
/** How Chromium reports a connection the phone's signal (see signal.ts) took and then reset. */
const RESET = '(ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE|ERR_CONNECTION_CLOSED|ERR_SOCKET_NOT_CONNECTED)';
/** How a load fails with no signal: Chromium's offline emulation, or the cut signal resetting
 * the connection (before or after the request went out). */
export const OFFLINE = netError(`(ERR_INTERNET_DISCONNECTED|${RESET})`);
/** How a load fails while the server is stopped: the signal is up, so the phone's connection is
 * taken, then reset when the server behind it refuses. */
export const SERVER_DOWN = netError(RESET);

/** A neighbour on their own phone, against `baseURL` (another server) when given. */
export async function phone(browser: Browser, name: string, baseURL?: string): Promise<Neighbour> {
  return neighbour(browser, name, true, baseURL);
}

export interface Street {
  board: string;
  boardPath: string;
  /** The organiser, who goes offline in these tests. */
  asha: Neighbour;
  /** A neighbour with an open request on the board. */
  ben: Neighbour;
  /** Ben's request, posted online. */
  bensRequest: string;
}

/** Asha starts a board, Ben joins it and asks for help (online); both stay signed in. */
export async function street(browser: Browser, tag: string, baseURL?: string): Promise<Street> {
  const [asha, ben] = await Promise.all([phone(browser, `Asha ${tag}`, baseURL), phone(browser, `Ben ${tag}`, baseURL)]);
  await signUp(asha);
  await signUp(ben);
  const board = `Elm Road ${tag}`;
  const invite = await startBoard(asha, board, 'Elm Road, Ash Grove');
  const boardPath = new URL(asha.page.url()).pathname;
  await joinBoard(ben, invite, 'Ash Grove', '12', board);
  // joinBoard's heading check also matches the join page's own "Join Elm Road …": wait for the
  // move to the board, which comes once the server has made Ben a member.
  await expect(ben.page).toHaveURL(new RegExp(`${boardPath}$`));
  await expect(ben.page.getByRole('heading', { level: 1, name: board, exact: true })).toBeVisible();
  const bensRequest = `Prescription pick-up ${tag}`;
  await open(ben, boardPath);
  await askForHelp(ben, bensRequest);
  await expect(ben.page.getByRole('main').getByText(WAITING)).toHaveCount(0, { timeout: SEND_TIMEOUT });
  await expect(ben.page.locator('html')).toHaveAttribute('data-waiting', '0', { timeout: SEND_TIMEOUT });
  return { board, boardPath, asha, ben, bensRequest };
}

/** From a board page: "Ask for help", fill the form, "Post to …"; ends on the new post's page. */
export async function askForHelp(who: Neighbour, title: string): Promise<void> {
  await who.page.getByRole('link', { name: 'Ask for help' }).first().click();
  await expect(who.page.locator('html[data-hydrated="true"]')).toBeAttached();
  await who.page.getByLabel('Category').selectOption('shopping');
  await who.page.getByLabel('Title').fill(title);
  await who.page.getByLabel('Details (optional)').fill('From the corner shop, any time before 6.');
  await who.page.getByLabel('Today').check();
  await who.page.getByRole('button', { name: /^Post to / }).click();
  await expect(who.page).toHaveURL(/\/p\/[^/]+$/);
  await expect(who.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

/** The mark on posts made or changed on this phone that the server does not have yet (case
 * matters: the sync panel's "2 waiting to send" is not it). */
export const WAITING = /Waiting to send/;

/** A post's card on the board, found by the link on its title. */
export function card(page: Page, title: string): Locator {
  return page.getByRole('listitem').filter({ has: page.getByRole('link', { name: title, exact: true }) });
}

/** The header's connection status. */
export function connection(page: Page): Locator {
  return page.getByRole('banner').getByRole('status', { name: 'Connection' });
}

/** The sync panel. */
export function syncPanel(page: Page): Locator {
  return page.getByRole('region', { name: 'Sync status' });
}

/** Waits until the page's service worker is active (so a reload with no signal has it). */
export async function serviceWorkerActive(page: Page): Promise<void> {
  const state = await page.evaluate(async () => {
    if (!('serviceWorker' in navigator)) return 'this browser has no navigator.serviceWorker';
    const ready = navigator.serviceWorker.ready.then((r) => (r.active ? 'active' : 'ready without an active worker'));
    const timeout = new Promise<string>((resolve) =>
      setTimeout(() => resolve('no service worker became active within 20 s'), 20_000),
    );
    return Promise.race([ready, timeout]);
  });
  expect(state, 'the service worker should be active before going offline').toBe('active');
}

/** Waits until the engine has nothing waiting and nothing in flight. */
export async function settled(page: Page): Promise<void> {
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-waiting', '0', { timeout: SEND_TIMEOUT });
  await expect(html).toHaveAttribute('data-sync', 'idle', { timeout: SEND_TIMEOUT });
}

/**
 * Opens the board online and waits until the phone has it: the service worker active, the
 * board pulled into the phone's store ("Brought up to date"), nothing waiting.
 */
export async function openBoardReady(who: Neighbour, s: Street): Promise<void> {
  await open(who, s.boardPath);
  await expect(who.page.getByRole('heading', { level: 1, name: s.board })).toBeVisible();
  await serviceWorkerActive(who.page);
  await expect(syncPanel(who.page)).toContainText('Brought up to date', { timeout: SEND_TIMEOUT });
  await settled(who.page);
  await expect(card(who.page, s.bensRequest)).toBeVisible();
}

/**
 * No signal for the phone of `context`: `signal` refuses and resets every connection (nothing
 * gets through, from the page or its service worker), and Chromium's offline emulation tells
 * the page (`navigator.onLine`, the `offline` event). The one way tests take a phone offline.
 */
export async function loseSignal(context: BrowserContext, signal: Signal): Promise<void> {
  signal.cut();
  await context.setOffline(true);
}

/** Signal again: connections go through first, then the page hears it is online. */
export async function regainSignal(context: BrowserContext, signal: Signal): Promise<void> {
  signal.restore();
  await context.setOffline(false);
}

/**
 * Signal again, but only until the answer to the next request to `path` starts back: the
 * request reaches the server, the phone never hears its answer and is cut off again (and
 * notices). Resolves with the answer's status line.
 */
export async function regainSignalUntilAnswerTo(who: Neighbour, path: string): Promise<string> {
  who.signal.restore();
  const answered = who.signal.cutAsAnswerComes(path);
  await who.context.setOffline(false);
  const statusLine = await answered;
  // The phone notices it has lost signal again, so getting it back (goOnline) is news to it.
  await who.context.setOffline(true);
  return statusLine;
}

/** Cuts the phone's signal; from now on its failed loads are expected. */
export async function goOffline(who: Neighbour): Promise<void> {
  expectErrorsFromNow(who, [OFFLINE]);
  await loseSignal(who.context, who.signal);
  await expect(connection(who.page)).toHaveText('Offline');
  await expect(who.page.locator('html')).toHaveAttribute('data-sync', 'offline');
}

export async function goOnline(who: Neighbour): Promise<void> {
  await regainSignal(who.context, who.signal);
  await expect(connection(who.page)).not.toHaveText('Offline');
}

/**
 * With no signal (the phone already offline, on the board): Asha asks for help with `title`
 * and offers to help with Ben's request. Ends on Ben's request's page, both writes waiting.
 */
export async function writeOffline(s: Street, title: string): Promise<void> {
  const page = s.asha.page;
  await askForHelp(s.asha, title);
  await expect(page.getByRole('main').getByText(WAITING).first()).toBeVisible();

  await page.getByRole('link', { name: `Back to ${s.board}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: s.board })).toBeVisible();
  await expect(card(page, title)).toContainText(WAITING);

  await card(page, s.bensRequest).getByRole('link', { name: s.bensRequest, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: s.bensRequest })).toBeVisible();
  await expect(page.locator('html[data-hydrated="true"]')).toBeAttached();
  await page.getByRole('button', { name: 'I can help' }).click();
  await expect(page.getByRole('main').getByText(WAITING).first()).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-waiting', '2');
}

/** A new post as a phone's outbox sends it to `/sync/push`. */
export function newPostWrite(board: string, title: string, postKind = 'request', details = '') {
  return {
    id: crypto.randomUUID(),
    created_at_ms: Date.now(),
    kind: 'create_post',
    payload: {
      post_id: crypto.randomUUID(),
      board_id: board,
      post_kind: postKind,
      category: postKind === 'request' ? 'lifts' : 'other',
      title,
      details,
      urgency: 'this_week',
      expires_in_days: null,
    },
  };
}

/** The board's id, which its page carries on the <h1>. */
export async function boardId(page: Page): Promise<string> {
  const id = await page.getByRole('heading', { level: 1 }).getAttribute('data-board-id');
  expect(id, 'the board page should carry data-board-id on its <h1>').toBeTruthy();
  return id!;
}

export interface PulledCard {
  id: string;
  title: string;
  status: string;
  author_name: string;
  claimed_by_name: string | null;
}

/** Every post the server has for the board, read as `context`'s person through GET /sync/pull. */
export async function pullAll(context: BrowserContext, board: string): Promise<PulledCard[]> {
  const cards: PulledCard[] = [];
  let since = 0;
  for (let page = 0; page < 100; page++) {
    const response = await context.request.get(`/sync/pull?board_id=${encodeURIComponent(board)}&since=${since}`);
    expect(response.status(), `GET /sync/pull answered ${await response.text()}`).toBe(200);
    const body = (await response.json()) as { posts: { card: PulledCard }[]; removed: string[]; cursor: number; more: boolean };
    cards.push(...body.posts.map((p) => p.card));
    since = body.cursor;
    if (!body.more) return cards;
  }
  throw new Error('GET /sync/pull kept saying there was more');
}

/** The server's copies of the post titled `title` (exactly one when a write landed once). */
export async function onServer(context: BrowserContext, board: string, title: string): Promise<PulledCard[]> {
  return (await pullAll(context, board)).filter((c) => c.title === title);
}

/**
 * From now on, `who`'s page errors matching `patterns` are expected: the test is about to cause
 * them (errors seen before still count).
 */
export function expectErrorsFromNow(who: Neighbour, patterns: RegExp[]): void {
  const from = who.problems().length;
  const all = who.problems;
  who.problems = () => all().filter((problem, i) => i < from || !patterns.some((pattern) => pattern.test(problem)));
}


/**
 * After Asha's offline writes were sent: nothing waits or was refused on her phone, and Ben,
 * on his, sees her request once and her help on his; the server holds each exactly once.
 */
export async function expectLandedOnce(s: Street, title: string): Promise<void> {
  const { asha, ben } = s;
  await settled(asha.page);
  await expect(asha.page.getByRole('main').getByText(WAITING)).toHaveCount(0);
  await expect(asha.page.getByRole('alert').filter({ hasText: 'Not sent' })).toHaveCount(0);

  await open(ben, s.boardPath);
  await expect(ben.page.getByRole('heading', { level: 1, name: s.board })).toBeVisible();
  const id = await boardId(ben.page);
  await expect(ben.page.getByRole('link', { name: title, exact: true })).toHaveCount(1, { timeout: SEND_TIMEOUT });
  await expect(card(ben.page, title)).not.toContainText(WAITING);
  await expect(card(ben.page, s.bensRequest)).toContainText('Someone is helping');
  await card(ben.page, s.bensRequest).getByRole('link', { name: s.bensRequest, exact: true }).click();
  await expect(ben.page.getByRole('heading', { level: 1, name: s.bensRequest })).toBeVisible();
  await expect(ben.page.getByText(`${asha.name} is helping`)).toBeVisible();

  const copies = await onServer(ben.context, id, title);
  expect(copies, `the server should hold "${title}" exactly once`).toHaveLength(1);
  expect(copies[0]).toMatchObject({ status: 'open', author_name: asha.name });
  const claimed = await onServer(ben.context, id, s.bensRequest);
  expect(claimed).toHaveLength(1);
  expect(claimed[0]).toMatchObject({ status: 'claimed', claimed_by_name: asha.name });
}

/** What a page reports when the signal is cut under a request: expected after a cut, never
 * before one. */
export const CUT_OFF_ERRORS =
  /ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE|ERR_CONNECTION_CLOSED|Failed to fetch|NetworkError/;
