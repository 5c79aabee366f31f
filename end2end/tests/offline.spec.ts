// Offline, end to end (issue 4): the board with no signal, writes that wait on the phone and
// reach the server exactly once however the connection, the server or the session fails.
import type { Page } from '@playwright/test';
import { expect, test, waitForHydration, runTag } from './fixtures';
import {
  card,
  connection,
  expectErrorsFromNow,
  expectLandedOnce,
  goOffline,
  goOnline,
  newPostWrite,
  onServer,
  boardId,
  openBoardReady,
  SERVER_DOWN,
  PASSWORD,
  regainSignalUntilAnswerTo,
  SEND_TIMEOUT,
  serviceWorkerActive,
  settled,
  street,
  syncPanel,
  WAITING,
  writeOffline,
  type Street,
} from './offline-helpers';
import { OwnServer } from './own-server';
import { goodbye, neighbour, open } from './people';

/** Names unique to this run, so the suite can run against a database that already has data. */
const run = runTag();

/** A refused sync request Chromium logs on its own (the page handles it), e.g. the 401s once
 * the test has ended the session. */
const syncStatus = (status: number) => new RegExp(`status of ${status}\\b.*/sync/`);

/** Reloads with no signal: the service worker answers, and the page hydrates. */
async function reloadOffline(page: Page): Promise<void> {
  const response = await page.reload();
  expect(response?.fromServiceWorker(), 'the service worker should answer a reload with no signal').toBe(true);
  await waitForHydration(page);
}

/** Back to the board from a post's page, by its "Back to …" link. */
async function backToBoard(s: Street): Promise<void> {
  await s.asha.page.getByRole('link', { name: `Back to ${s.board}` }).click();
  await expect(s.asha.page.getByRole('heading', { level: 1, name: s.board })).toBeVisible();
}

test('with no signal, a reload still shows the board and its posts', async ({ browser }) => {
  test.setTimeout(180_000);
  const s = await street(browser, `${run}a`);
  const page = s.asha.page;
  await openBoardReady(s.asha, s);

  await goOffline(s.asha);
  await reloadOffline(page);
  await expect(page.getByRole('heading', { level: 1, name: s.board })).toBeVisible();
  await expect(card(page, s.bensRequest)).toBeVisible();
  await expect(card(page, s.bensRequest)).toContainText(s.ben.name);
  await expect(card(page, s.bensRequest)).not.toContainText(WAITING);
  await expect(connection(page)).toHaveText('Offline');
  await expect(page.locator('html')).toHaveAttribute('data-sync', 'offline');

  await goodbye(s.asha, s.ben);
});

test('a phone whose first page is the board keeps the board for no signal', async ({ browser }) => {
  test.setTimeout(180_000);
  const s = await street(browser, `${run}h`);
  // Ben's second phone: already signed in (the same session), and the board is the first page
  // it opens, as when a neighbour follows a link to their board. The phone's store is still
  // opening when the board page asks for the board to be kept.
  const second = await neighbour(browser, `${s.ben.name} (second phone)`);
  await second.context.addCookies(await s.ben.context.cookies());
  const page = second.page;
  await open(second, s.boardPath);
  await serviceWorkerActive(page);
  await expect(syncPanel(page)).toContainText('Brought up to date', { timeout: SEND_TIMEOUT });
  await settled(page);

  await goOffline(second);
  await reloadOffline(page);
  await expect(page.getByRole('heading', { level: 1, name: s.board })).toBeVisible();
  await expect(card(page, s.bensRequest)).toBeVisible();
  await expect(connection(page)).toHaveText('Offline');

  await goodbye(second, s.asha, s.ben);
});

test('a request posted and a claim made with no signal survive a reload, marked "Waiting to send"', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const tag = `${run}b`;
  const s = await street(browser, tag);
  const page = s.asha.page;
  const title = `Milk and bread ${tag}`;
  await openBoardReady(s.asha, s);
  await goOffline(s.asha);
  await writeOffline(s, title);

  // Reload the board with no signal: both writes are still there, still waiting.
  await backToBoard(s);
  await reloadOffline(page);
  await expect(page.getByRole('heading', { level: 1, name: s.board })).toBeVisible();
  await expect(card(page, title)).toContainText(WAITING);
  await expect(card(page, s.bensRequest)).toContainText(WAITING);
  await expect(page.locator('html')).toHaveAttribute('data-waiting', '2');
  await expect(syncPanel(page)).toContainText('2 waiting to send');

  // The new post's own page, which the server has never sent, also comes back after a reload.
  await card(page, title).getByRole('link', { name: title, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole('main').getByText(WAITING).first()).toBeVisible();
  await reloadOffline(page);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole('main').getByText(WAITING).first()).toBeVisible();

  // Nothing has reached the server: Ben, online, sees neither.
  await open(s.ben, s.boardPath);
  await expect(s.ben.page.getByRole('heading', { level: 1, name: s.board })).toBeVisible();
  await expect(card(s.ben.page, s.bensRequest)).toBeVisible();
  await expect(s.ben.page.getByRole('link', { name: title, exact: true })).toHaveCount(0);
  await expect(card(s.ben.page, s.bensRequest)).not.toContainText('Someone is helping');

  await goodbye(s.asha, s.ben);
});

test('back online, writes made with no signal reach the server exactly once and a neighbour sees them', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const tag = `${run}c`;
  const s = await street(browser, tag);
  const page = s.asha.page;
  const title = `Milk and bread ${tag}`;
  await openBoardReady(s.asha, s);
  await goOffline(s.asha);
  await writeOffline(s, title);
  await backToBoard(s);

  await goOnline(s.asha);
  await settled(page);
  await expect(card(page, title)).not.toContainText(WAITING);
  await expect(card(page, s.bensRequest)).not.toContainText(WAITING);
  await expect(card(page, s.bensRequest)).toContainText('Someone is helping');
  await expect(page.getByRole('link', { name: title, exact: true })).toHaveCount(1);
  await expect(syncPanel(page)).toContainText('Brought up to date');

  await expectLandedOnce(s, title);

  await goodbye(s.asha, s.ben);
});

test('a push cut off after the server applied it is sent again and lands exactly once', async ({ browser }) => {
  test.setTimeout(180_000);
  const tag = `${run}d`;
  const s = await street(browser, tag);
  const title = `Milk and bread ${tag}`;
  await openBoardReady(s.asha, s);
  await goOffline(s.asha);
  await writeOffline(s, title);

  // The first push reaches the server, which applies it; the signal goes just as its answer
  // starts back, so the phone never hears it.
  const answered = await regainSignalUntilAnswerTo(s.asha, '/sync/push');
  expect(answered, "the server's answer to the cut push").toMatch(/^HTTP\/1\.1 200 /);
  await open(s.ben, s.boardPath);
  const id = await boardId(s.ben.page);
  // The server has both writes, once each; the phone, not having heard, still holds them.
  expect(await onServer(s.ben.context, id, title)).toHaveLength(1);
  await expect(s.asha.page.locator('html')).toHaveAttribute('data-waiting', '2');

  await goOnline(s.asha);
  // The phone did not hear back, so it sends again; the server answers without applying twice.
  await expect(s.asha.page.locator('html')).toHaveAttribute('data-waiting', '0', { timeout: SEND_TIMEOUT });
  await expectLandedOnce(s, title);

  await goodbye(s.asha, s.ben);
});

test('a server restart between the offline write and the reconnect loses nothing', async ({ browser }) => {
  test.setTimeout(240_000);
  const tag = `${run}e`;
  const server = await OwnServer.start();
  try {
    const s = await street(browser, tag, server.url);
    const title = `Milk and bread ${tag}`;
    await openBoardReady(s.asha, s);
    await goOffline(s.asha);
    await writeOffline(s, title);

    for (const who of [s.asha, s.ben]) expectErrorsFromNow(who, [SERVER_DOWN]);
    await server.stop();
    await server.startAgain();

    await goOnline(s.asha);
    await expectLandedOnce(s, title);

    await goodbye(s.asha, s.ben);
  } catch (error) {
    console.log(server.logTail());
    throw error;
  } finally {
    await server.stop();
  }
});

test('with the server down when the signal comes back, writes wait and land once it is back', async ({ browser }) => {
  test.setTimeout(240_000);
  const tag = `${run}f`;
  const server = await OwnServer.start();
  try {
    const s = await street(browser, tag, server.url);
    const page = s.asha.page;
    const title = `Milk and bread ${tag}`;
    await openBoardReady(s.asha, s);
    await goOffline(s.asha);
    await writeOffline(s, title);
    await backToBoard(s);

    for (const who of [s.asha, s.ben]) expectErrorsFromNow(who, [SERVER_DOWN]);
    await server.stop();
    await goOnline(s.asha);
    // Sending fails and a retry is scheduled; nothing is dropped meanwhile.
    await expect(page.locator('html')).toHaveAttribute('data-sync', 'failing', { timeout: SEND_TIMEOUT });
    await expect(page.locator('html')).toHaveAttribute('data-waiting', '2');
    await expect(card(page, title)).toContainText(WAITING);
    await expect(card(page, s.bensRequest)).toContainText(WAITING);

    await server.startAgain();
    await expectLandedOnce(s, title);

    await goodbye(s.asha, s.ben);
  } catch (error) {
    console.log(server.logTail());
    throw error;
  } finally {
    await server.stop();
  }
});

test('when the session has expired, writes wait, the page asks to sign in, and they are sent after', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const tag = `${run}g`;
  const s = await street(browser, tag);
  const page = s.asha.page;
  const title = `Milk and bread ${tag}`;
  await openBoardReady(s.asha, s);
  await goOffline(s.asha);
  await writeOffline(s, title);
  await backToBoard(s);

  // The session is gone (expired, or signed out elsewhere) by the time the signal is back.
  expectErrorsFromNow(s.asha, [syncStatus(401)]);
  await s.asha.context.clearCookies();
  await goOnline(s.asha);
  await expect(page.locator('html')).toHaveAttribute('data-sync', 'signed-out', { timeout: SEND_TIMEOUT });
  const panel = syncPanel(page);
  await expect(panel).toContainText('Sign in to send 2 waiting changes');
  const signIn = panel.getByRole('link', { name: 'Sign in', exact: true });
  await expect(signIn).toBeVisible();
  await expect(card(page, title)).toContainText(WAITING);
  await expect(card(page, s.bensRequest)).toContainText(WAITING);
  await expect(page.locator('html')).toHaveAttribute('data-waiting', '2');

  // Asha signs in again, as herself; back on the board, the writes are sent.
  await signIn.click();
  await expect(page).toHaveURL(/\/signin/);
  await waitForHydration(page);
  await page.getByLabel('Your name').fill(s.asha.name);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).not.toHaveURL(/\/signin/);
  await open(s.asha, s.boardPath);
  await expect(page.getByRole('heading', { level: 1, name: s.board })).toBeVisible();
  await settled(page);
  await expect(card(page, title)).not.toContainText(WAITING);
  await expect(page.getByRole('link', { name: title, exact: true })).toHaveCount(1);
  await expectLandedOnce(s, title);

  await goodbye(s.asha, s.ben);
});

test('"Show more" with no signal draws the older posts from the phone\'s copy', async ({ browser }) => {
  test.setTimeout(180_000);
  const tag = `${run}m`;
  const s = await street(browser, tag);
  const page = s.asha.page;
  await openBoardReady(s.asha, s);
  // Ben's phone sends 55 more posts, as its outbox would: 50 in a push, then 5 (a page and
  // six more, with his first).
  const board = await boardId(page);
  const titles = Array.from({ length: 55 }, (_, n) => `Seedlings ${n} ${tag}`);
  const mutations = titles.map((title) => newPostWrite(board, title, 'offer'));
  for (const batch of [mutations.slice(0, 50), mutations.slice(50)]) {
    const pushed = await s.ben.context.request.post(new URL('/sync/push', s.ben.page.url()).toString(), {
      data: { mutations: batch },
    });
    expect(pushed.status(), await pushed.text()).toBe(200);
  }
  // Asha's phone hears of them and pulls them all.
  await expect(card(page, titles[54])).toBeVisible({ timeout: SEND_TIMEOUT });
  await settled(page);
  await expect(page.locator('.post-card')).toHaveCount(50);

  await goOffline(s.asha);
  await page.getByRole('link', { name: 'Show more' }).click();
  await expect(page).toHaveURL(/\?show=100$/);
  await expect(page.locator('.post-card')).toHaveCount(56);
  await expect(card(page, s.bensRequest)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Show more' })).toHaveCount(0);

  // A reload there, still with no signal: the service worker's shell and the phone's copy.
  await reloadOffline(page);
  await expect(page.locator('.post-card')).toHaveCount(56);

  await goodbye(s.asha, s.ben);
});
