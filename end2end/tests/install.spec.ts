// Installing and offline: the manifest and its icons, the service worker and its caches, the offline shell.
import type { Page } from '@playwright/test';
import { test, expect, runTag, waitForHydration, watchForErrors, failOnErrors } from './fixtures';
import { CUT_OFF_ERRORS, loseSignal, regainSignal } from './offline-helpers';

type Icon = { src: string; sizes: string; type: string; purpose?: string };

/** Waits until the service worker has installed, activated and taken control of the page. */
async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // Activation claims the page (clients.claim), which sets the controller.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

test('the manifest is linked, served and valid, with icons at their stated sizes', async ({ page, request }) => {
  await page.goto('/');
  await waitForHydration(page);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBe('/manifest.webmanifest');

  const response = await request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await response.json();
  expect(manifest).toMatchObject({
    name: 'Streetboard',
    short_name: 'Streetboard',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    lang: 'en-GB',
  });
  await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute('content', manifest.theme_color);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

  const icons: Icon[] = manifest.icons;
  for (const icon of icons) {
    // Decoded by the browser, so the size is the image's, not what a header claims.
    const decoded = await page.evaluate(async (src) => {
      const res = await fetch(src);
      const bitmap = await createImageBitmap(await res.blob());
      return { status: res.status, type: res.headers.get('content-type'), size: `${bitmap.width}x${bitmap.height}` };
    }, icon.src);
    expect(decoded, icon.src).toEqual({ status: 200, type: 'image/png', size: icon.sizes });
  }
  const offered = icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`);
  expect(offered).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
});

test('after the first visit the service worker controls the page and holds the build it loaded', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await waitForServiceWorker(page);

  // The hashed js, wasm and css this page was built with.
  const assets = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"], link[rel="preload"], link[rel="stylesheet"]'))
      .map((link) => new URL(link.href).pathname)
      .filter((path) => path.startsWith('/pkg/')),
  );
  for (const ext of ['js', 'wasm', 'css']) {
    expect(assets, `the page names its ${ext}`).toContainEqual(expect.stringMatching(new RegExp(`^/pkg/streetboard\\..+\\.${ext}$`)));
  }

  const caches = await page.evaluate(async () => {
    const names = await window.caches.keys();
    const shell = names.find((name) => name.startsWith('streetboard-shell-'));
    const paths = shell ? (await (await window.caches.open(shell)).keys()).map((r) => new URL(r.url).pathname) : [];
    return { names, shell, paths };
  });
  expect(caches.shell, `caches: ${caches.names.join(', ')}`).toBeTruthy();
  expect(caches.paths).toEqual(expect.arrayContaining([...assets, '/offline', '/manifest.webmanifest']));

  // The worker's version names the cache, and is the one /sw.js carries.
  const script = await page.evaluate(async () => (await fetch('/sw.js')).text());
  const version = /const VERSION = "([^"]+)";/.exec(script)?.[1];
  expect(caches.shell).toBe(`streetboard-shell-${version}`);

  await page.reload();
  await waitForHydration(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);
});

test('the offline page says so', async ({ page }) => {
  const response = await page.goto('/offline');
  expect(response?.status()).toBe(200);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1, name: "You're offline" })).toBeVisible();
  await expect(page.locator('#offline-shell')).toBeVisible();
  await expect(page).toHaveTitle("You're offline · Streetboard");
});

test('offline, a visited page opens from the cache and a new address opens the app, not an error page', async ({
  context,
  signal,
}) => {
  // Pages that load their data while offline log failed fetches: those are expected here, so
  // this test watches its own page and lets only those through.
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto('/');
  await waitForHydration(page);
  await waitForServiceWorker(page);
  // Visited while controlled, so the worker has stored it.
  await page.goto('/signin');
  await waitForHydration(page);

  await loseSignal(context, signal);
  try {
    const visited = await page.goto('/signin');
    expect(visited?.fromServiceWorker()).toBe(true);
    expect(await visited?.text()).not.toContain('id="offline-shell"');
    await waitForHydration(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');

    const fresh = await page.goto('/me');
    expect(fresh?.fromServiceWorker()).toBe(true);
    expect(await fresh?.text(), 'the offline shell stands in').toContain('id="offline-shell"');
    expect(page.url()).toMatch(/\/me$/);
    await waitForHydration(page);
    await expect(page.getByRole('banner').getByRole('link', { name: 'Streetboard', exact: true })).toBeVisible();
    // The app mounted for /me over the shell, rather than showing the shell under /me.
    await expect(page.locator('#offline-shell')).toHaveCount(0);
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  } finally {
    await regainSignal(context, signal);
  }

  failOnErrors(problems().filter((problem) => !CUT_OFF_ERRORS.test(problem)));
});

/** The paths stored in the worker's pages caches. */
async function storedPages(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const names = (await window.caches.keys()).filter((name) => name.startsWith('streetboard-pages-'));
    const paths: string[] = [];
    for (const name of names) {
      for (const request of await (await window.caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
}

test('where signing out leads, the worker forgets every stored page first', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await waitForServiceWorker(page);
  await page.goto('/signin');
  await waitForHydration(page);
  // Stored while controlled (the copy is put away as the page arrives).
  await expect.poll(() => storedPages(page)).toContain('/signin');

  // Signing out (with or without JavaScript) ends on this address.
  const signedOut = await page.goto('/?signed_out=1');
  expect(signedOut?.status()).toBe(200);
  await waitForHydration(page);
  expect(await storedPages(page), 'nothing of the last person is left to open offline').toEqual([]);
});

test("when someone else signs in on the phone, the last person's stored pages are forgotten", async ({ page }) => {
  const tag = runTag();
  const join = (name: string) =>
    page.request.post('/api/sign_up', {
      form: { id: crypto.randomUUID(), display_name: name, password: 'kettle orange bicycle' },
      maxRedirects: 0,
    });
  await page.goto('/');
  await waitForHydration(page);
  await waitForServiceWorker(page);
  expect((await join(`Ann ${tag}`)).status()).toBeLessThan(400);
  await page.goto('/signin');
  await waitForHydration(page);
  await expect.poll(() => storedPages(page)).toContain('/signin');

  // Bob signs in over Ann's session: no signing out, so nothing said "forget" on the way.
  expect((await join(`Bob ${tag}`)).status()).toBeLessThan(400);
  await page.goto('/');
  await waitForHydration(page);
  await expect.poll(() => storedPages(page), "only Bob's own page is kept").toEqual(['/']);
});

test('the install button appears only when the browser offers, and opens its prompt', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  const install = page.getByRole('banner').getByRole('button', { name: 'Install Streetboard' });
  await expect(install).toHaveCount(0);

  // Headless Chromium never offers by itself: stand in for its BeforeInstallPromptEvent.
  const offer = () =>
    page.evaluate(() => {
      const event = new Event('beforeinstallprompt', { cancelable: true });
      const record = window as unknown as { prompted: number; offerDeclined: boolean };
      record.prompted = 0;
      Object.assign(event, {
        prompt: async () => {
          record.prompted += 1;
          return { outcome: 'dismissed' };
        },
      });
      window.dispatchEvent(event);
      record.offerDeclined = event.defaultPrevented;
    });
  await offer();
  expect(await page.evaluate(() => (window as unknown as { offerDeclined: boolean }).offerDeclined)).toBe(true);
  await expect(install).toBeVisible();
  const box = await install.boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);

  await install.focus();
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => (window as unknown as { prompted: number }).prompted)).toBe(1);
  // An offer prompts once.
  await expect(install).toHaveCount(0);

  await offer();
  await expect(install).toBeVisible();
  await page.evaluate(() => window.dispatchEvent(new Event('appinstalled')));
  await expect(install).toHaveCount(0);
});
