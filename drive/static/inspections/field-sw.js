// The field checklist's service worker (served at /inspections/field/sw.js, so it controls
// the pages under /inspections/field/). The page asks it to keep itself and its files;
// pages are fetched from the network first and from the cache when there is no connection;
// static files come from the cache and are refreshed in the background. Nothing else
// (posts, the sync, downloads) is touched.
const CACHE = "drive-field-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "cache") return;
  const urls = [...new Set(event.data.urls)];
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(urls))
      .then(() => event.ports[0] && event.ports[0].postMessage("cached"))
      .catch(() => event.ports[0] && event.ports[0].postMessage("failed")),
  );
});

const isPage = (response) =>
  response.ok && !response.redirected && (response.headers.get("Content-Type") || "").includes("text/html");

async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (isPage(response)) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreVary: true });
  const fresh = fetch(request)
    .then((response) => {
      if (response.ok) cache.put(request, response.clone());
      return response;
    })
    .catch(() => kept);
  return kept || fresh;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith(self.registration.scope.replace(self.location.origin, ""))) {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(asset(request));
  }
});
