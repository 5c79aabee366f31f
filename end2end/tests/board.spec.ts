// The street board end to end: start a board, invite, ask, claim, and who sees contact details.
import { expect, test, runTag } from './fixtures';
import { goodbye, joinBoard, neighbour, open, setPhone, signUp, startBoard, type Neighbour } from './people';

/** Names unique to this run, so the suite can run against a database that already has data. */
const run = runTag();

async function askForHelp(who: Neighbour, title: string) {
  await who.page.getByRole('link', { name: 'Ask for help' }).first().click();
  if (who.js) await expect(who.page.locator('html[data-hydrated="true"]')).toBeAttached();
  await who.page.getByLabel('Category').selectOption('shopping');
  await who.page.getByLabel('Title').fill(title);
  await who.page.getByLabel('Details (optional)').fill('From the corner shop, any time before 6.');
  await who.page.getByLabel('Today').check();
  await who.page.getByRole('button', { name: /^Post to / }).click();
  await expect(who.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

async function openPost(who: Neighbour, boardPath: string, title: string) {
  await open(who, boardPath);
  await who.page.getByRole('link', { name: title }).click();
  await expect(who.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  if (who.js) await expect(who.page.locator('html[data-hydrated="true"]')).toBeAttached();
}

for (const js of [true, false]) {
  test(`neighbours ask, claim and finish a request; only the helper sees contact details (JavaScript ${js ? 'on' : 'off'})`, async ({
    browser,
  }) => {
    test.setTimeout(90_000);
    const tag = `${run}${js ? 'j' : 'n'}`;
    const board = `Elm Road ${tag}`;
    const [asha, ben, cara, dev] = await Promise.all(
      ['Asha', 'Ben', 'Cara', 'Dev'].map((name) => neighbour(browser, `${name} ${tag}`, js)),
    );
    for (const who of [asha, ben, cara, dev]) await signUp(who);

    const invite = await startBoard(asha, board, 'Elm Road, Ash Grove');
    expect(invite).toMatch(/\/join\/[a-z0-9]+$/);
    const boardPath = new URL(asha.page.url()).pathname;

    await joinBoard(ben, invite, 'Ash Grove', '12', board);
    await setPhone(ben, '07700 900123');
    await open(ben, boardPath);
    const title = `Milk and bread ${tag}`;
    await askForHelp(ben, title);

    // Cara offers to help; until Ben accepts her she sees only his street.
    await joinBoard(cara, invite, 'Elm Road', '3', board);
    await openPost(cara, boardPath, title);
    await expect(cara.page.getByText('Ash Grove').first()).toBeVisible();
    await cara.page.getByRole('button', { name: 'I can help' }).click();
    await expect(cara.page.getByText(`Waiting for ${ben.name} to accept your offer`)).toBeVisible();
    await expect(cara.page.getByRole('region', { name: /How to reach/ })).toHaveCount(0);
    await expect(cara.page.locator('body')).not.toContainText('07700');

    // Ben accepts her with one tap; only then, as the helper, does she see how to reach him.
    await openPost(ben, boardPath, title);
    await expect(ben.page.getByText(`${cara.name} offered to help`)).toBeVisible();
    await ben.page.getByRole('button', { name: 'Accept and share my details' }).click();
    await expect(ben.page.getByText(`${cara.name} offered to help`)).toHaveCount(0);
    await openPost(cara, boardPath, title);
    const contact = cara.page.getByRole('region', { name: /How to reach/ });
    await expect(contact).toBeVisible();
    await expect(contact).toContainText('07700 900123');
    await expect(contact).toContainText('12');

    // Ben sees who is helping, but the board never shows his house number or phone.
    await openPost(ben, boardPath, title);
    await expect(ben.page.getByText(`${cara.name} is helping`)).toBeVisible();
    await open(ben, boardPath);
    await expect(ben.page.locator('main')).not.toContainText('07700');

    // Dev, another member, sees neither.
    await joinBoard(dev, invite, 'Elm Road', '5', board);
    await openPost(dev, boardPath, title);
    await expect(dev.page.getByRole('region', { name: /How to reach/ })).toHaveCount(0);
    await expect(dev.page.locator('body')).not.toContainText('07700');
    await expect(dev.page.getByRole('button', { name: 'I can help' })).toHaveCount(0);

    // Cara marks it done; the contact details go away with the claim.
    await openPost(cara, boardPath, title);
    await cara.page.getByRole('button', { name: 'Mark as done' }).click();
    await expect(cara.page.getByText('Done').first()).toBeVisible();
    await expect(cara.page.getByRole('region', { name: /How to reach/ })).toHaveCount(0);

    await goodbye(asha, ben, cara, dev);
  });
}
