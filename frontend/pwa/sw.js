/*
 * Service worker of the member portal (scope "/", served by Django at /sw.js).
 *
 * The app shell (the portal's HTML at "/" and its hashed scripts, styles and icons) is
 * cached at install, so the portal opens without a network. Page navigations go to the
 * network first and fall back to the cached shell; hashed assets come from the cache.
 * The API, the WebSocket and the admin console are never touched.
 *
 * Web Push: the server sends {title, body, link, tag} (encrypted; the browser decrypts it);
 * the worker shows it even when the portal is closed, and a tap opens the link in an open
 * portal window or a new one.
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

self.addEventListener('push', (event) => {
  let message = { title: '党建云', body: '', link: '/notifications', tag: undefined };
  try {
    message = { ...message, ...(event.data ? event.data.json() : {}) };
  } catch {
    message.body = event.data ? event.data.text() : '';
  }
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      tag: message.tag,
      icon: '/static/icons/icon-192.png',
      badge: '/static/icons/icon-192.png',
      lang: 'zh-CN',
      data: { link: message.link || '/notifications' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.link ?? '/notifications', self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).origin === target.origin);
      if (open && target.origin === self.location.origin) {
        return open.focus().then((client) => client.navigate(target.href));
      }
      return self.clients.openWindow(target.href);
    }),
  );
});
