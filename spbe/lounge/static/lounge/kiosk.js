// The kiosk: a live search of the lounge's services as letters are typed or tapped, a service worker
// that keeps the catalogue browsable while the server cannot be reached, a banner saying so (and since
// when the data are), and, after a while with nobody touching the screen, back to the home screen with
// an empty search, the keyboard put away and no ticket or answer of the last person left on screen.
"use strict";

(() => {
  const body = document.body;
  const home = body.getAttribute("data-kiosk-home");
  if (!home) return;
  const seconds = Number(body.getAttribute("data-idle-seconds") || "60");

  // ------------------------------------------------------------------ the search, live and offline
  const fold = (text) =>
    text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[\u2018\u2019\u02bc]/g, "'")
      .toLowerCase().split(/\s+/).filter(Boolean);
  const search = document.getElementById("q");
  const offers = Array.from(document.querySelectorAll("[data-search]"));
  const none = document.querySelector(".kiosk-none");
  const filter = () => {
    if (!search || !offers.length) return;
    const words = fold(search.value);
    let shown = 0;
    offers.forEach((item) => {
      const text = item.getAttribute("data-search");
      const match = words.every((w) => text.includes(w));
      item.hidden = !match;
      if (match) shown += 1;
    });
    if (none) none.hidden = shown > 0;
  };
  if (search) {
    search.addEventListener("input", filter);
    // Served from the offline copy, the page was drawn for no query: the one asked for is applied here.
    const asked = new URLSearchParams(window.location.search).get("q");
    if (asked !== null && search.value !== asked) search.value = asked;
    filter();
  }

  // ------------------------------------------------------------------ offline: banner and worker
  const banner = document.querySelector(".kiosk-offline");
  const ping = body.getAttribute("data-kiosk-ping");
  const showOffline = (off) => { if (banner) banner.hidden = !off; body.classList.toggle("is-offline", off); };
  const check = async () => {
    if (!ping) return;
    try {
      const response = await fetch(ping, { cache: "no-store" });
      showOffline(!response.ok);
    } catch (err) {
      showOffline(true);
    }
  };
  if (ping) {
    window.addEventListener("offline", () => showOffline(true));
    window.addEventListener("online", check);
    window.setInterval(check, 15000);
    check();
  }
  const worker = body.getAttribute("data-kiosk-sw");
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker, { scope: home }).catch(() => {});
  }

  // ------------------------------------------------------------------ the offline page
  const shell = document.querySelector("[data-offline-shell]");
  if (shell) {
    showOffline(true);
    const match = window.location.pathname.match(/\/layanan\/([^/]+)\/$/);
    const catalogue = shell.getAttribute("data-catalogue");
    fetch(catalogue).then((r) => r.json()).then((data) => {
      const asOf = document.querySelector(".kiosk-as-of");
      if (asOf) asOf.textContent = data.dibuat_teks;
      const brand = document.querySelector(".kiosk-brand");
      if (brand && data.ruang) brand.textContent = data.ruang;
      if (!match) return;
      const kode = decodeURIComponent(match[1]);
      const service = data.layanan.find((s) => s.kode === kode);
      if (!service) return;
      const card = document.querySelector(".kiosk-offline-service");
      card.querySelectorAll("[data-field]").forEach((el) => {
        el.textContent = service[el.getAttribute("data-field")] || "—";
      });
      card.hidden = false;
      const general = document.querySelector(".kiosk-offline-general");
      if (general) general.hidden = true;
    }).catch(() => {});
  }

  // ------------------------------------------------------------------ idle: back home, nothing left
  let timer = null;
  const reset = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      if (window.spbeKeyboard) window.spbeKeyboard.close();
      const here = window.location.pathname + window.location.search;
      if (here === home) {
        if (search) { search.value = ""; filter(); search.blur(); }
        window.scrollTo(0, 0);
        reset();
      } else {
        window.location.replace(home);
      }
    }, seconds * 1000);
  };
  ["pointerdown", "keydown", "touchstart", "scroll", "input"].forEach((name) =>
    document.addEventListener(name, reset, { passive: true }),
  );
  reset();
})();
