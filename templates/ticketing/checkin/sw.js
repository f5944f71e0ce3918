/* Service worker of the door scanner page (served by ticketing.views_checkin.checkin_sw).
   The page: network first (3 s), else the cached copy. Its static files: cache first.
   The API is never cached: the page itself decides offline from the offline bundle. */
"use strict";
const CONFIG = {{ config_json|safe }};
const PAGE_TIMEOUT_MS = 3000;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CONFIG.cache);
    await cache.addAll(CONFIG.assets);
    try {
      await cache.add(new Request(CONFIG.page, { credentials: "same-origin" }));
    } catch (error) {
      // Not logged in (a redirect): the page is cached the next time it loads.
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(CONFIG.prefix) && name !== CONFIG.cache) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

async function page(request) {
  const cache = await caches.open(CONFIG.cache);
  try {
    const response = await withTimeout(fetch(request), PAGE_TIMEOUT_MS);
    if (response.ok && response.type === "basic" && !response.redirected) {
      await cache.put(CONFIG.page, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(CONFIG.page);
    if (cached) return cached;
    throw error;
  }
}

async function asset(request) {
  const cache = await caches.open(CONFIG.cache);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === CONFIG.page && request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (CONFIG.assets.includes(url.pathname)) {
    event.respondWith(asset(request));
  }
});
