// End-to-end checks of the app shell: SSR without JS, hydration, health check, 404, security headers, text zoom.
import { test, expect, waitForHydration, watchForErrors, failOnErrors } from './fixtures';
import { CUT_OFF_ERRORS, loseSignal, regainSignal } from './offline-helpers';

test('home page renders without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);

    await expect(page).toHaveTitle('Streetboard');
    const banner = page.getByRole('banner');
    await expect(banner.getByRole('link', { name: 'Streetboard', exact: true })).toHaveAttribute('href', '/');

    const main = page.getByRole('main');
    await expect(main.getByRole('heading', { level: 1 })).toHaveText("Your street's help board");
    await expect(main.getByRole('heading', { level: 1 })).toBeVisible();
    const emptyState = main.getByRole('paragraph').filter({ hasText: /ask for help/i }).filter({ hasText: /offer help/i });
    await expect(emptyState).toBeVisible();

    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Board', exact: true })).toHaveAttribute('href', '/');
    await expect(nav.getByRole('link', { name: 'Post', exact: true })).toHaveAttribute('href', '/post');
    await expect(nav.getByRole('link', { name: 'Me', exact: true })).toHaveAttribute('href', '/me');

    await expect(banner.getByRole('status', { name: 'Connection' })).toHaveText('');
    await expect(page.locator('html')).not.toHaveAttribute('data-hydrated');
  } finally {
    await context.close();
  }
});

test('home page hydrates with no console errors, and shows the signal going and coming back', async ({
  context,
  signal,
}) => {
  // Its own watched page: the cut below resets whatever is in flight then (the favicon, which
  // Chromium asks for late, was once), and only errors the cut causes are expected after it.
  const page = await context.newPage();
  const problems = watchForErrors(page);
  await page.goto('/');
  await waitForHydration(page);
  const status = page.getByRole('banner').getByRole('status', { name: 'Connection' });
  await expect(status).toHaveText('Online');
  failOnErrors(problems());

  const beforeTheCut = problems().length;
  await loseSignal(context, signal);
  await expect(status).toHaveText('Offline');
  await regainSignal(context, signal);
  await expect(status).toHaveText('Online');
  failOnErrors(problems().slice(beforeTheCut).filter((problem) => !CUT_OFF_ERRORS.test(problem)));
});

test('/healthz answers', async ({ request }) => {
  const response = await request.get('/healthz');
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: 'ok' });
});

test('unknown URL gets the 404 page', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to the board' })).toHaveAttribute('href', '/');
  await expect(page).toHaveTitle('Page not found · Streetboard');
});

test('security headers are sent', async ({ request }) => {
  const response = await request.get('/');
  expect(response.status()).toBe(200);
  const headers = response.headers();
  const csp = headers['content-security-policy'] ?? '';
  expect(csp).toContain('script-src');
  expect(csp).toContain("'wasm-unsafe-eval'");
  expect(headers['x-content-type-options']).toBe('nosniff');
});

test('reads at 200% text zoom on a 360px phone', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.evaluate(() => {
    document.documentElement.style.fontSize = '200%';
  });
  // clientWidth, not window.innerWidth: with isMobile, Chromium widens innerWidth to fit overflowing content.
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(clientWidth).toBe(360);
  expect(scrollWidth, 'page scrolls sideways at 200% text size').toBeLessThanOrEqual(clientWidth + 1);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});
