// Bad input and races on the board: each gets a clear message and changes nothing else.
import { expect, test, waitForHydration, runTag } from './fixtures';
import { goodbye, joinBoard, neighbour, open, signUp, startBoard } from './people';

const run = runTag();

test('bad posts are refused with a message beside the field, and markup in a title is only text', async ({ browser }) => {
  test.setTimeout(60_000);
  const ben = await neighbour(browser, `Ben ${run}b`);
  await signUp(ben);
  const board = `Ash Grove ${run}`;
  await startBoard(ben, board, 'Ash Grove');
  const boardPath = new URL(ben.page.url()).pathname;

  const compose = async () => {
    await open(ben, `${boardPath}/new?kind=request`);
    await ben.page.getByLabel('Category').selectOption('meals');
  };
  const post = () => ben.page.getByRole('button', { name: /^Post to / }).click();

  // An empty title.
  await compose();
  await post();
  await expect(ben.page.getByText('The title needs at least 3 characters.')).toBeVisible();
  await expect(ben.page.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');

  // 10,000 characters of details. The browser's maxlength stops a person typing that much, so
  // take it off, as an older browser or another client would, to reach the server's check.
  await compose();
  await ben.page.getByLabel('Title').fill('Soup for a poorly neighbour');
  const details = ben.page.getByLabel('Details (optional)');
  await details.evaluate((el) => el.removeAttribute('maxlength'));
  await details.fill('x'.repeat(10_000));
  await post();
  await expect(ben.page.getByText('The details can be at most 1,000 characters (it has 10,000).')).toBeVisible();

  // Nothing was posted by either attempt.
  await open(ben, boardPath);
  await expect(ben.page.getByText('Nothing here yet')).toBeVisible();

  // Markup in a title is shown as text, never run.
  let dialogs = 0;
  ben.page.on('dialog', (d) => {
    dialogs += 1;
    void d.dismiss();
  });
  await compose();
  const markup = '<script>alert(1)</script> <b>bold</b>';
  await ben.page.getByLabel('Title').fill(markup);
  await post();
  await expect(ben.page.getByRole('heading', { level: 1 })).toHaveText(markup);
  expect(dialogs).toBe(0);

  await goodbye(ben);
});

test('the second neighbour to claim a request is told who already has it', async ({ browser }) => {
  test.setTimeout(60_000);
  const [asha, cara, dev] = await Promise.all(
    ['Asha', 'Cara', 'Dev'].map((n) => neighbour(browser, `${n} ${run}c`)),
  );
  for (const who of [asha, cara, dev]) await signUp(who);
  const board = `Elm Road ${run}c`;
  const invite = await startBoard(asha, board, 'Elm Road');
  const boardPath = new URL(asha.page.url()).pathname;
  await open(asha, `${boardPath}/new?kind=request`);
  await asha.page.getByLabel('Category').selectOption('lifts');
  await asha.page.getByLabel('Title').fill('Lift to the surgery');
  await asha.page.getByRole('button', { name: /^Post to / }).click();
  await expect(asha.page.getByRole('heading', { level: 1, name: 'Lift to the surgery' })).toBeVisible();
  const postPath = new URL(asha.page.url()).pathname;

  // Dev's page must not hear of Cara's claim before Dev presses the button, as when the news
  // is still on its way: Dev's live-update stream is held back (it never answers).
  await dev.context.route('**/sync/events?**', () => {});
  for (const who of [cara, dev]) {
    await joinBoard(who, invite, 'Elm Road', '', board);
    await open(who, postPath);
  }
  // Both have the request open; Cara is first.
  await cara.page.getByRole('button', { name: 'I can help' }).click();
  await expect(cara.page.getByText(`${cara.name} is helping`)).toBeVisible();
  await dev.page.getByRole('button', { name: 'I can help' }).click();
  await expect(dev.page.getByRole('alert').filter({ hasText: `${cara.name} is already helping with this.` })).toBeVisible();

  await goodbye(asha, cara, dev);
});

test('posting to a board you are not a member of is refused and leaves the board unchanged', async ({ browser }) => {
  const [asha, eve] = await Promise.all([neighbour(browser, `Asha ${run}m`), neighbour(browser, `Eve ${run}m`)]);
  await signUp(asha);
  await signUp(eve);
  await startBoard(asha, `Oak Lane ${run}`, 'Oak Lane');
  const boardPath = new URL(asha.page.url()).pathname;
  // The real board's id, as its compose form carries it (hidden inputs have no accessible name).
  await open(asha, `${boardPath}/new?kind=request`);
  const boardId = await asha.page.locator('input[type="hidden"][name="board_id"]').inputValue();
  // Eve, a member of no board, sends the form's fields straight to the server.
  const response = await eve.page.request.post('/api/create_post', {
    form: {
      id: '01890a5d-ac96-774b-bcce-b302099a8057',
      post_id: '01890a5d-ac96-774b-bcce-b302099a8058',
      board_id: boardId,
      post_kind: 'request',
      category: 'other',
      title: 'Not my board',
      details: '',
      urgency: 'today',
    },
  });
  expect(response.status()).toBe(403);
  // The answer says why, as data: the page that shows it puts it in words.
  expect(await response.json()).toEqual({ Refused: { kind: 'members_only' } });
  await open(asha, boardPath);
  await expect(asha.page.getByText('Nothing here yet')).toBeVisible();
  await goodbye(asha, eve);
});

test('the browser checks a field with the same rules as the server as soon as you leave it', async ({ page }) => {
  await page.goto('/signup');
  await waitForHydration(page);
  const name = page.getByLabel('Your name');
  await name.fill('S');
  await name.blur();
  await expect(page.getByText('Your name needs at least 2 characters.')).toBeVisible();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  const password = page.getByLabel('Password', { exact: true });
  await password.fill('qwertyuiop');
  await password.blur();
  await expect(page.getByText('That password is one of the most common')).toBeVisible();
  // Fixing it clears the message.
  await name.fill('Sam');
  await name.blur();
  await expect(page.getByText('Your name needs at least 2 characters.')).toBeHidden();
});
