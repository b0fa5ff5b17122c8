// Đảng vụ — service worker: reading the member's handbook without a network.
// Registered by app.js as /sw.js?css=<stylesheet path>&js=<script path>, scope '/'.
// Only same-origin GET requests are handled; posts, the API and the login pages never are.
'use strict';

const VERSION = 'v1';
const CACHE = 'dangvu-' + VERSION;
const OFFLINE_PAGE = '/offline';
const TIMEOUT_MS = 4000;
const BANNER = '<p class="offline-banner" role="status">Đang xem bản đã lưu (ngoại tuyến) — có thể chưa cập nhật.</p>';
const MAIN = '<main id="main">';

// The current stylesheet and script, as given in this worker's own URL (only /static/ paths).
const query = new URLSearchParams(self.location.search);
const ASSETS = [query.get('css'), query.get('js')].filter((p) => typeof p === 'string' && p.startsWith('/static/'));
const SHELL = ASSETS.concat(['/static/icon.svg', '/manifest.webmanifest', OFFLINE_PAGE]);

// Pages kept after each successful visit, and file downloads (kept only when asked to): a
// document's attachment, a meeting's document in the handbook.
// Only the member's own handbook pages are kept as they are opened (staff pages never are); a
// document is kept when its reader asks (the 'save' message).
const KEPT_PAGES = ['/handbook'];
const ATTACHMENT = /^\/(documents\/(\d+\/)?attachments|handbook\/meetings\/\d+\/documents)\/\d+$/;
// Never touched: the API and the pages that log in or out.
const BYPASS = ['/api', '/login', '/logout', '/activate'];

function bypassed(path) {
  return BYPASS.some((p) => path === p || path.startsWith(p + '/'));
}

// A usable answer to keep: complete, not a redirect (e.g. to the login page).
function storable(res) {
  return res.status === 200 && !res.redirected;
}

async function put(url, res) {
  try {
    const cache = await caches.open(CACHE);
    await cache.put(url, res);
  } catch (err) {
    // Storage full or refused: the page simply is not kept.
  }
}

async function cached(url) {
  const cache = await caches.open(CACHE);
  return cache.match(url);
}

self.addEventListener('install', (event) => {
  // Each shell file is fetched on its own: one missing file must not stop the installation.
  const fetchOne = async (url) => {
    try {
      const res = await fetch(url, { credentials: 'same-origin' });
      if (storable(res)) await put(url, res);
    } catch (err) {
      // Offline while installing: fetched again by the next version or on first use.
    }
  };
  event.waitUntil(Promise.all(SHELL.map(fetchOne)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== CACHE) await caches.delete(key);
    }
    // Drop the stylesheets and scripts of earlier numbers.
    const cache = await caches.open(CACHE);
    for (const req of await cache.keys()) {
      const path = new URL(req.url).pathname;
      if (path.startsWith('/static/app-') && !ASSETS.includes(path)) await cache.delete(req);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || bypassed(url.pathname)) return;
  if (url.pathname.startsWith('/static/') || url.pathname === '/manifest.webmanifest') {
    event.respondWith(cacheFirst(event));
  } else if (ATTACHMENT.test(url.pathname)) {
    event.respondWith(cached(req.url).then((hit) => hit || fetch(req)));
  } else if (req.mode === 'navigate') {
    event.respondWith(networkFirst(event));
  }
});

// Versioned assets never change: the cache, else the network (and keep the answer).
async function cacheFirst(event) {
  const req = event.request;
  const hit = await cached(req.url);
  if (hit) return hit;
  const res = await fetch(req);
  if (storable(res)) event.waitUntil(put(req.url, res.clone()));
  return res;
}

// Pages: the network first. A handbook page that arrives is kept; when the network fails, or
// is slower than TIMEOUT_MS and a copy is kept, the copy is shown with a banner.
async function networkFirst(event) {
  const req = event.request;
  const path = new URL(req.url).pathname;
  const network = fetch(req).then(async (res) => {
    const html = (res.headers.get('Content-Type') || '').startsWith('text/html');
    if (storable(res) && html && KEPT_PAGES.some((p) => path.startsWith(p))) await put(req.url, res.clone());
    return res;
  });
  // A late answer is still kept after a copy was shown.
  event.waitUntil(network.catch(() => {}));
  try {
    const first = await Promise.race([network, new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS))]);
    if (first) return first;
    const copy = await cached(req.url);
    // Slow, nothing kept: keep waiting rather than call a working (slow) page offline.
    return copy ? withBanner(copy) : await network;
  } catch (err) {
    const copy = await cached(req.url);
    if (copy) return withBanner(copy);
    const offline = await cached(OFFLINE_PAGE);
    if (offline) return offline;
    return new Response('Không có kết nối mạng và trang này chưa được lưu để đọc ngoại tuyến.', {
      status: 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
}

// The kept copy with the offline banner at the top of the main content (pages only).
async function withBanner(res) {
  if (!(res.headers.get('Content-Type') || '').startsWith('text/html')) return res;
  const html = await res.text();
  const at = html.indexOf(MAIN);
  const body = at < 0 ? html : html.slice(0, at + MAIN.length) + BANNER + html.slice(at + MAIN.length);
  const headers = new Headers(res.headers);
  headers.delete('Content-Length');
  return new Response(body, { status: 200, headers });
}

// {type: 'save', urls}: keep these pages or files, answering {type: 'saved', url, ok} for each.
// {type: 'clear'}: forget everything (sent at logout).
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'save' && Array.isArray(data.urls)) {
    event.waitUntil(Promise.all(data.urls.map((url) => save(url, event.source))));
  } else if (data.type === 'clear') {
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key)))));
  }
});

async function save(url, client) {
  let ok = false;
  try {
    const target = new URL(url, self.location.origin);
    target.hash = '';
    if (target.origin === self.location.origin && !bypassed(target.pathname)) {
      const res = await fetch(target.href, { credentials: 'same-origin' });
      if (storable(res)) {
        await caches.open(CACHE).then((cache) => cache.put(target.href, res));
        ok = true;
      }
    }
  } catch (err) {
    ok = false;
  }
  if (client) client.postMessage({ type: 'saved', url, ok });
}
