// The patrol pages' service worker: a patrol page, once opened, opens again without signal. Network first (the
// checklist and who walked where stay current), the last copy when there is no network. Rounds wait in the page's
// outbox (patrol.js), never here.
"use strict";

const CACHE = "iot-patrol-v1";
const KEPT = [/^\/patrol(\/|$)/, /^\/css\//, /^\/js\//, /^\/img\//, /^\/favicon\.svg$/];

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !KEPT.some((p) => p.test(url.pathname))) {
    return;
  }
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(event.request, copy)));
    }
    return response;
  }).catch(() => caches.match(event.request).then((kept) => kept || Response.error())));
});
