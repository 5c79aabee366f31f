// Volunteers and coordination end to end: a neighbour offers to volunteer, an organiser asks
// them to help with a request from the coordination page, the volunteer accepts from "My
// tasks", and the neighbour who asked sees who is helping. With JavaScript on and off.
import { expect, test, runTag } from './fixtures';
import { goodbye, joinBoard, neighbour, open, setPhone, signUp, startBoard } from './people';

/** Names unique to this run, so the suite can run against a database that already has data. */
const run = runTag();

for (const js of [true, false]) {
  test(`an organiser asks a volunteer, who accepts; the requester sees who is helping (JavaScript ${js ? 'on' : 'off'})`, async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const tag = `${run}${js ? 'j' : 'n'}`;
    const board = `Ash Grove ${tag}`;
    const [asha, ben, cara] = await Promise.all(
      ['Asha', 'Ben', 'Cara'].map((name) => neighbour(browser, `${name} ${tag}`, js)),
    );
    for (const who of [asha, ben, cara]) await signUp(who);
    const invite = await startBoard(asha, board, 'Ash Grove');
    const boardPath = new URL(asha.page.url()).pathname;

    // Cara offers to volunteer: shopping, on Monday mornings, at most two tasks a week.
    await joinBoard(cara, invite, 'Ash Grove', '3', board);
    await cara.page.getByRole('link', { name: 'Volunteer', exact: true }).click();
    await expect(cara.page.getByRole('heading', { level: 1, name: `Volunteer on ${board}` })).toBeVisible();
    if (js) await expect(cara.page.locator('html[data-hydrated="true"]')).toBeAttached();
    await cara.page.getByLabel('Shopping', { exact: true }).check();
    await cara.page.getByRole('group', { name: 'Monday' }).getByLabel('Morning').check();
    await cara.page.getByLabel('At most how many tasks a week?').selectOption('2');
    await cara.page.getByRole('button', { name: 'Start volunteering' }).click();
    await expect(cara.page.getByText('You are volunteering: 0 of at most 2 tasks')).toBeVisible();

    // Ben asks for help with the shopping this week.
    await joinBoard(ben, invite, 'Ash Grove', '12', board);
    await setPhone(ben, '07700 900456');
    await open(ben, `${boardPath}/new?kind=request`);
    const title = `Potatoes and onions ${tag}`;
    await ben.page.getByLabel('Category').selectOption('shopping');
    await ben.page.getByLabel('Title').fill(title);
    await ben.page.getByLabel('This week').check();
    // Ben agrees beforehand that whoever takes it on may see how to reach him.
    await ben.page.getByLabel('Share my details with whoever takes this on').check();
    await ben.page.getByRole('button', { name: /^Post to / }).click();
    await expect(ben.page.getByRole('heading', { level: 1, name: title })).toBeVisible();

    // Asha sees the request waiting, with Cara suggested, and asks her.
    await open(asha, boardPath);
    await asha.page.getByRole('link', { name: 'Coordinate volunteers' }).click();
    await expect(asha.page.getByRole('heading', { level: 1, name: 'Coordinate volunteers' })).toBeVisible();
    if (js) await expect(asha.page.locator('html[data-hydrated="true"]')).toBeAttached();
    await expect(asha.page.getByText('A request is overdue when nobody has taken it on after 1 day')).toBeVisible();
    const request = asha.page.getByRole('article', { name: title });
    await expect(request).toContainText('Suggested, fairest first:');
    const roster = asha.page.getByRole('article', { name: cara.name });
    await expect(roster).toContainText('0 of 2 tasks this week');
    await request.getByRole('button', { name: `Ask ${cara.name} to help with “${title}”` }).click();
    await expect(asha.page.getByRole('article', { name: title })).toContainText(
      `Asked ${cara.name}: waiting for an answer.`,
    );
    await expect(asha.page.getByRole('article', { name: cara.name })).toContainText('1 of 2 tasks this week');

    // Cara finds it in her tasks and accepts: she is now the one helping, and sees how to reach Ben.
    await open(cara, '/me');
    await cara.page.getByRole('link', { name: 'My tasks' }).click();
    await expect(cara.page.getByRole('heading', { level: 1, name: 'My tasks' })).toBeVisible();
    if (js) await expect(cara.page.locator('html[data-hydrated="true"]')).toBeAttached();
    const task = cara.page.getByRole('article', { name: title });
    await expect(task).toContainText(`Asked by ${asha.name}`);
    await task.getByRole('button', { name: `Accept “${title}”` }).click();
    await expect(cara.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await expect(cara.page.getByRole('region', { name: /How to reach/ })).toContainText('07700 900456');

    // Ben sees who is helping; the request has left the organisers' queue.
    await open(ben, boardPath);
    await ben.page.getByRole('link', { name: title }).click();
    await expect(ben.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await expect(ben.page.getByText(`${cara.name} is helping`)).toBeVisible();
    await open(asha, `${boardPath}/coordinate`);
    await expect(asha.page.getByText('No open requests. Nothing is waiting.')).toBeVisible();

    await goodbye(asha, ben, cara);
  });
}
