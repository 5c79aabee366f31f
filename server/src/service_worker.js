// Streetboard's service worker, served at /sw.js. The server fills in VERSION and PRECACHE at
// start-up (server/src/service_worker.rs) with this build's hashed asset names, so an old worker
// never serves a new page with old wasm. See docs/ARCHITECTURE.md, "Service worker and caching".
'use strict';

const VERSION = __STREETBOARD_VERSION__;
const PRECACHE = __STREETBOARD_PRECACHE__;

const PREFIX = 'streetboard-';
const SHELL_CACHE = `${PREFIX}shell-${VERSION}`;
const PAGES_CACHE = `${PREFIX}pages-${VERSION}`;
// Whose pages the pages cache holds: the tag every page carries (server/src/page_owner.rs).
const OWNER_CACHE = `${PREFIX}page-owner`;
const OWNER_KEY = '/__page-owner';
const PAGE_OWNER_HEADER = 'x-streetboard-person';
const OFFLINE_PAGE = '/offline';
// Patchy signal: after this long a page falls back to its cached copy (still stored if it
// arrives later).
const NETWORK_TIMEOUT_MS = 4000;

// Live data and the worker itself always come from the network, never from a cache.
function networkOnly(path) {
  return (
    path.startsWith('/api/') ||
    path.startsWith('/sync/') ||
    path === '/healthz' ||
    path === '/sw.js'
  );
}

// A new version waits until the page asks it to take over (the "Update" button): no
// skipWaiting here, so open pages keep the assets they were loaded with.
self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })))),
  );
});

// Old shells and old pages go: old pages name old asset files.
self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL_CACHE, PAGES_CACHE, OWNER_CACHE]);
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(PREFIX) && !keep.has(name)).map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  if (type === 'skip-waiting') {
    self.skipWaiting();
  } else if (type === 'forget-pages') {
    // Someone signed out: their pages must not stay on a shared phone.
    event.waitUntil(forgetPages());
  }
});

async function forgetPages() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(`${PREFIX}pages-`)).map((name) => caches.delete(name)));
}

// Stored pages belong to one person at a time. A page from someone else (another person signed
// in on this phone, even over the last one's session) first clears the last person's pages.
async function keepPagesOf(response) {
  const owner = response.headers.get(PAGE_OWNER_HEADER);
  if (!owner) return;
  const cache = await caches.open(OWNER_CACHE);
  const known = await cache.match(OWNER_KEY);
  if (known && (await known.text()) === owner) return;
  await forgetPages();
  await cache.put(OWNER_KEY, new Response(owner));
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || networkOnly(url.pathname)) return;
  if (request.mode === 'navigate' && url.searchParams.has('signed_out')) {
    // Where signing out leads (also without JavaScript): forget every stored page first.
    event.respondWith(forgetPages().then(() => fetch(request)));
  } else if (request.mode === 'navigate') {
    event.respondWith(navigate(event));
  } else {
    event.respondWith(shellFirst(request));
  }
});

// Precached files (hashed js, wasm, css, icons) from the cache; anything else from the network.
async function shellFirst(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE, ignoreVary: true });
  return cached || fetch(request);
}

function storablePage(response) {
  const cacheControl = response.headers.get('cache-control') || '';
  const contentType = response.headers.get('content-type') || '';
  return (
    response.status === 200 &&
    response.type === 'basic' &&
    contentType.startsWith('text/html') &&
    !/no-store/i.test(cacheControl)
  );
}

// Network first with a timeout; then this page's cached copy; then the offline shell, served
// for this URL (the address stays, and the app renders the real page from the local store).
async function navigate(event) {
  const { request } = event;
  const network = fetch(request);
  // Registered before anything else reads the response, so the copy is taken first; kept
  // alive by waitUntil, so a late answer is still stored.
  event.waitUntil(
    network
      .then(async (response) => {
        // The copy first, before the page reads the body; then whose it is.
        const copy = storablePage(response) ? response.clone() : null;
        await keepPagesOf(response);
        if (!copy) return undefined;
        return caches.open(PAGES_CACHE).then((cache) => cache.put(request.url, copy));
      })
      .catch(() => undefined),
  );

  const timeout = new Promise((resolve) => {
    setTimeout(resolve, NETWORK_TIMEOUT_MS, null);
  });
  const answer = await Promise.race([network, timeout]).catch(() => null);
  if (answer) return answer;

  const page = await caches.match(request.url, { cacheName: PAGES_CACHE, ignoreVary: true });
  if (page) return page;
  const shell = await caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE, ignoreVary: true });
  if (shell) return shell;
  // Nothing cached yet (the worker is still installing): wait for the network after all.
  return network;
}
