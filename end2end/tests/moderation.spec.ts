// Moderation end to end: a member reports a post, the organiser sees the report and hides the
// post, and it leaves the reporter's board (and the phone's copy of it); restored, it comes
// back. The organiser downloads the requests as CSV, with no names or titles in it.
import { readFile } from 'node:fs/promises';
import { expect, test, runTag } from './fixtures';
import { goodbye, joinBoard, neighbour, open, signUp, startBoard, type Neighbour } from './people';

/** Names unique to this run, so the suite can run against a database that already has data. */
const run = runTag();

async function askForHelp(who: Neighbour, title: string): Promise<string> {
  await who.page.getByRole('link', { name: 'Ask for help' }).first().click();
  if (who.js) await expect(who.page.locator('html[data-hydrated="true"]')).toBeAttached();
  await who.page.getByLabel('Category').selectOption('odd_jobs');
  await who.page.getByLabel('Title').fill(title);
  await who.page.getByLabel('Today').check();
  await who.page.getByRole('button', { name: /^Post to / }).click();
  await expect(who.page).toHaveURL(/\/p\/[^/?]+$/);
  await expect(who.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  return new URL(who.page.url()).pathname;
}

/** The board's card for `title`, found by the link on its title. */
function card(who: Neighbour, title: string) {
  return who.page.getByRole('listitem').filter({ has: who.page.getByRole('link', { name: title, exact: true }) });
}

/**
 * Opens the board and, with JavaScript, waits for the sync engine's pull of it, so what is
 * shown is the phone's copy brought up to date (not only the page the server rendered).
 */
async function openBoard(who: Neighbour, boardPath: string) {
  const pulled = who.js
    ? who.page.waitForResponse((r) => r.url().includes('/sync/pull') && r.ok(), { timeout: 20_000 })
    : null;
  await open(who, boardPath);
  await pulled;
}

for (const js of [true, false]) {
  test(`a report leads to a hidden post that leaves the reporter's board (JavaScript ${js ? 'on' : 'off'})`, async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const tag = `${run}${js ? 'j' : 'n'}`;
    const board = `Birch Lane ${tag}`;
    const [asha, ben, cara] = await Promise.all(
      ['Asha', 'Ben', 'Cara'].map((name) => neighbour(browser, `${name} ${tag}`, js)),
    );
    for (const who of [asha, ben, cara]) await signUp(who);
    const invite = await startBoard(asha, board, 'Birch Lane');
    const boardPath = new URL(asha.page.url()).pathname;
    await joinBoard(ben, invite, 'Birch Lane', '12', board);
    await joinBoard(cara, invite, 'Birch Lane', '3', board);

    await open(ben, boardPath);
    const title = `Cheap watches for sale ${tag}`;
    const postPath = await askForHelp(ben, title);

    // Cara sees it on her board, and reports it.
    await openBoard(cara, boardPath);
    await expect(card(cara, title)).toBeVisible();
    await open(cara, postPath);
    // The report form stays open however often the page is drawn afresh (live.spec.ts).
    await cara.page.getByText('Report this post').click();
    const reason = cara.page.getByLabel('Spam or advertising');
    await reason.check();
    await cara.page.getByLabel('Anything to add (optional)').fill('Selling things, not asking for help.');
    await cara.page.getByRole('button', { name: 'Send report' }).click();
    await expect(cara.page.getByRole('status').filter({ hasText: 'Thank you.' })).toBeVisible();

    // Asha finds the report from her board, and hides the post with a reason.
    await open(asha, boardPath);
    await asha.page.getByRole('link', { name: 'Reports and moderation' }).click();
    await expect(asha.page.getByRole('heading', { level: 1, name: 'Reports and moderation' })).toBeVisible();
    if (js) await expect(asha.page.locator('html[data-hydrated="true"]')).toBeAttached();
    const reported = asha.page.getByRole('article', { name: title });
    await expect(reported).toContainText('Spam or advertising');
    await expect(reported).toContainText('Selling things, not asking for help.');
    await expect(reported).toContainText(`Reported by ${cara.name}`);
    await reported.getByLabel('Reason, for the log (optional)').fill('An advert');
    await reported.getByRole('button', { name: `Hide “${title}”` }).click();
    await expect(asha.page.getByText('No open reports.')).toBeVisible();
    const log = asha.page.getByRole('region', { name: 'Log of organiser actions' });
    await expect(log).toContainText('Hid a post');
    await expect(log).toContainText('An advert');

    // Gone from Cara's board (and her phone's copy of it), and from its own address.
    await openBoard(cara, boardPath);
    await expect(cara.page.getByRole('heading', { level: 1, name: board })).toBeVisible();
    await expect(card(cara, title)).toHaveCount(0);
    const response = await cara.page.goto(postPath);
    expect(response?.status()).toBe(404);
    await expect(cara.page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
    // The author does not see it either; the organiser sees it marked.
    await openBoard(ben, boardPath);
    await expect(card(ben, title)).toHaveCount(0);
    await open(asha, boardPath);
    await expect(card(asha, title)).toContainText('Hidden');

    // Restored, it is back on Cara's board.
    await open(asha, `${boardPath}/moderate`);
    await asha.page
      .getByRole('region', { name: 'Hidden posts' })
      .getByRole('button', { name: `Restore “${title}”` })
      .click();
    await expect(asha.page.getByText('No hidden posts.')).toBeVisible();
    await openBoard(cara, boardPath);
    await expect(card(cara, title)).toBeVisible();

    await goodbye(asha, ben, cara);
  });
}

test('organisers download the requests as CSV with no names or titles', async ({ browser }) => {
  const tag = `${run}c`;
  const board = `Rowan Close ${tag}`;
  const asha = await neighbour(browser, `Asha ${tag}`);
  await signUp(asha);
  await startBoard(asha, board, 'Rowan Close');
  const boardPath = new URL(asha.page.url()).pathname;
  const title = `Bulbs for the planter ${tag}`;
  await askForHelp(asha, title);

  await open(asha, `${boardPath}/moderate`);
  const downloading = asha.page.waitForEvent('download');
  await asha.page.getByRole('link', { name: 'Download requests (CSV)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/-requests-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('created_date,category,urgency,status,claimed_date,done_date,hours_to_claim,hours_to_help');
  expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2},Odd jobs,Today,open,,,,$/);
  for (const word of [asha.name, title, 'Rowan Close']) expect(csv).not.toContain(word);

  await goodbye(asha);
});
