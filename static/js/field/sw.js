/* The field app's service worker (served at /sw.js by welfare.views.service_worker, which writes SHELL and ASSETS
 * above this line). It keeps the app shell — the field pages without personal data, the styles and scripts — so
 * the field pages open without a connection; the personal data stays in IndexedDB, written by the pages. Pages
 * are fetched from the network first; without a connection a household page (/households/<id>/) is answered by the
 * offline household page, which fills itself from the field pack. The API is never cached. */
"use strict";
var CACHE = "field-shell-v3";  // v3: the visit form's 상황 변화 있음

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll([SHELL.home, SHELL.household].concat(ASSETS));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function offlinePage(url) {
  var shell = /^\/households\/\d+\/?$/.test(url.pathname) ? SHELL.household : SHELL.home;
  if (url.pathname === SHELL.household) shell = SHELL.household;
  return caches.open(CACHE).then(function (cache) {
    return cache.match(shell).then(function (hit) {
      return hit || new Response("<h1>오프라인</h1><p>연결이 없습니다.</p>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected && (url.pathname === SHELL.home || url.pathname === SHELL.household)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () { return offlinePage(url); }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  }
});
