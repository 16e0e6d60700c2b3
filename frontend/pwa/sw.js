/*
 * Service worker of the member portal (scope "/", served by Django at /sw.js).
 *
 * The app shell (the portal's HTML at "/" and its hashed scripts, styles and icons) is
 * cached at install, so the portal opens without a network. Page navigations go to the
 * network first and fall back to the cached shell; hashed assets come from the cache.
 * The API, the WebSocket and the admin console are never touched.
 */
const BUILD = self.__PC_BUILD__ ?? { version: 'dev', files: [] };
const CACHE = `pc-portal-${BUILD.version}`;
const SHELL = '/';
const BYPASS = /^\/(api|ws|console|admin|healthz|readyz)(\/|$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([SHELL, ...BUILD.files]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key.startsWith('pc-portal-') && key !== CACHE).map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function navigate(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    const isHtml = (response.headers.get('content-type') ?? '').includes('text/html');
    if (response.ok && isHtml) await cache.put(SHELL, response.clone());
    return response;
  } catch (error) {
    const shell = await cache.match(SHELL);
    if (shell) return shell;
    throw error;
  }
}

async function staticAsset(request) {
  const cached = await caches.match(request);
  return cached ?? fetch(request);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || BYPASS.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request));
  } else if (url.pathname.startsWith('/static/')) {
    event.respondWith(staticAsset(request));
  }
});
