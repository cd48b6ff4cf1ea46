// The kiosk's service worker (served from {{ scope }}sw.js, so its scope is the kiosk's pages only).
// Online, every page and file comes from the server and a copy of the catalogue is kept: the home page,
// each service's page, the catalogue JSON and the kiosk's static files. Offline, those copies answer,
// and any other page (a ticket, a survey, taking a number) answers with the offline page, which says
// the server cannot be reached and since when the data are. Tickets and answers are never kept.
"use strict";

const CACHE = "spbe-kios-v1";
const SCOPE = "{{ scope }}";
const HOME = "{{ home }}";
const SHELL = "{{ shell }}";
const CATALOGUE = "{{ catalogue }}";
const PRECACHE = [HOME, SHELL, CATALOGUE, {% for url in static %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const KEPT = [/^{{ scope_re }}$/, /^{{ scope_re }}layanan\/[^/]+\/$/, /^{{ scope_re }}katalog\.json$/, /^\/static\//];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("spbe-kios-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

const kept = (url) => url.origin === self.location.origin && KEPT.some((re) => re.test(url.pathname));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const navigation = request.mode === "navigate";
  if (request.method !== "GET") {
    // Taking a number or answering a survey needs the server; offline, say so instead of an error page.
    if (navigation) event.respondWith(fetch(request).catch(() => caches.match(SHELL)));
    return;
  }
  if (!kept(url)) {
    if (navigation && url.pathname.startsWith(SCOPE)) {
      event.respondWith(fetch(request).catch(() => caches.match(SHELL)));
    }
    return;
  }
  event.respondWith(
    fetch(request)
      .then((response) => {
        // Only the plain pages are kept: a search is answered offline by the home page's own filter.
        if (response.ok && response.type === "basic" && !url.search) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(url.pathname).then((hit) => hit || (navigation ? caches.match(SHELL) : Response.error())),
      ),
  );
});
