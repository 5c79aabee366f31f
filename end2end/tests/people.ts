// Helpers for tests with several neighbours: each gets their own phone-sized browser context.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect, failOnErrors, test, waitForHydration, watchForErrors } from './fixtures';
import { keepForReport, Signal, watchSends } from './signal';

export interface Neighbour {
  name: string;
  context: BrowserContext;
  /** The phone's signal: cut it with offline-helpers' goOffline. */
  signal: Signal;
  page: Page;
  /** Lists the console and page errors seen so far. */
  problems: () => string[];
  js: boolean;
}

/**
 * A new neighbour on their own phone, with JavaScript on or off, reaching `server` (the run's
 * server unless given) through a signal of its own.
 */
export async function neighbour(browser: Browser, name: string, js = true, server?: string): Promise<Neighbour> {
  const signal = await Signal.to(server ?? String(test.info().project.use.baseURL));
  // The project's options (phone viewport, touch) apply to contexts we make too.
  const context = await browser.newContext({ ...test.info().project.use, baseURL: signal.url, javaScriptEnabled: js });
  context.on('close', () => void signal.close());
  keepForReport(name, signal, await watchSends(context));
  const page = await context.newPage();
  return { name, context, signal, page, problems: watchForErrors(page), js };
}

/** Opens `path` and, with JavaScript on, waits until the page has hydrated. */
export async function open(who: Neighbour, path: string): Promise<void> {
  await who.page.goto(path);
  if (who.js) await waitForHydration(who.page);
}

export async function signUp(who: Neighbour): Promise<void> {
  await open(who, '/signup');
  await who.page.getByLabel('Your name').fill(who.name);
  await who.page.getByLabel('Password', { exact: true }).fill('kettle orange bicycle');
  await who.page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(who.page).toHaveURL(/\/$/);
  await expect(who.page.getByRole('heading', { name: 'You are not on a board yet' })).toBeVisible();
}

/** Starts a board and returns its invite link's path. */
export async function startBoard(who: Neighbour, name: string, streets: string): Promise<string> {
  await open(who, '/boards/new');
  await who.page.getByLabel('Board name').fill(name);
  await who.page.getByLabel('Streets it covers').fill(streets);
  await who.page.getByLabel('Your house number or name (private)').fill('14');
  await who.page.getByRole('button', { name: 'Start the board' }).click();
  await expect(who.page.getByRole('heading', { level: 1, name })).toBeVisible();
  return who.page.getByLabel('Invite link').inputValue();
}

export async function joinBoard(who: Neighbour, invite: string, street: string, house: string, board: string) {
  await open(who, new URL(invite, 'http://x').pathname);
  await who.page.getByLabel('Your street').selectOption(street);
  await who.page.getByLabel('Your house number or name (private)').fill(house);
  await who.page.getByRole('button', { name: 'Join the board' }).click();
  // The join page's own heading names the board too: wait until the board itself is shown.
  await expect(who.page).toHaveURL(/\/b\/[^/]+$/);
  await expect(who.page.getByRole('heading', { level: 1, name: board, exact: true })).toBeVisible();
}

export async function setPhone(who: Neighbour, phone: string) {
  await open(who, '/me');
  await who.page.getByLabel('Phone').fill(phone);
  await who.page.getByRole('button', { name: 'Save' }).click();
  await expect(who.page).toHaveURL(/\/me$/);
}

/** Fails the test if any of these neighbours' pages reported errors, then closes them. */
export async function goodbye(...people: Neighbour[]) {
  failOnErrors(people.flatMap((p) => p.problems().map((problem) => `${p.name}: ${problem}`)));
  for (const p of people) p.signal.closing();
  await Promise.all(people.map((p) => p.context.close()));
}
