// The lounge's TV screens: show one slide at a time, move on every few seconds, and refresh the slides
// from the server in the background. A failed refresh keeps the last slides on screen and says since
// when the data are; the next good refresh clears that. No inline script or style: the page's CSP holds.
"use strict";

(() => {
  const body = document.body;
  const url = body.getAttribute("data-part-url");
  const main = document.querySelector(".screens-main");
  if (!url || !main) return;
  const rotateMs = Number(body.getAttribute("data-rotate-seconds") || "15") * 1000;
  const refreshMs = Number(body.getAttribute("data-refresh-seconds") || "10") * 1000;
  const offline = document.querySelector(".screens-offline");
  const asOf = document.querySelector(".screens-as-of");
  const dots = Array.from(document.querySelectorAll(".screens-dots li"));
  let current = "";

  const slides = () => Array.from(main.querySelectorAll(".slide"));

  const show = (kind) => {
    const all = slides();
    if (!all.length) return;
    const chosen = all.find((s) => s.dataset.slide === kind) || all[0];
    all.forEach((s) => { s.hidden = s !== chosen; });
    current = chosen.dataset.slide;
    dots.forEach((d) => d.classList.toggle("active", d.dataset.slide === current));
    body.dataset.slide = current;
  };

  const next = () => {
    const all = slides();
    const at = all.findIndex((s) => s.dataset.slide === current);
    show(all.length ? all[(at + 1) % all.length].dataset.slide : "");
  };

  const refresh = async () => {
    try {
      const response = await fetch(url, { cache: "no-store", headers: { Accept: "text/html" } });
      if (!response.ok) throw new Error(String(response.status));
      const parsed = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = parsed.querySelector(".slides");
      if (!fresh) throw new Error("no slides");
      main.replaceChildren(document.importNode(fresh, true));
      show(current);
      offline.hidden = true;
      body.dataset.refreshed = String(Date.now());
    } catch (err) {
      const shown = main.querySelector(".slides");
      asOf.textContent = shown ? shown.getAttribute("data-as-of") : "";
      offline.hidden = false;
    }
    window.setTimeout(refresh, refreshMs);
  };

  show("");
  window.setInterval(next, rotateMs);
  window.setTimeout(refresh, refreshMs);
})();
