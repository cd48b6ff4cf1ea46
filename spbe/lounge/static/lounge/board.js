// The lounge's display board: poll the board's JSON every few seconds and redraw what changed.
// A failed poll keeps the last numbers on screen and says the connection dropped; the next good poll
// clears that. The ETag makes a poll with nothing new a bodiless 304.
"use strict";

(() => {
  const POLL_MS = 2000;
  const body = document.body;
  const url = body.getAttribute("data-board-url");
  if (!url) return;
  const offline = document.querySelector(".board-offline");
  const calls = document.querySelector(".calls");
  const counters = document.querySelector(".counters");
  let etag = null;
  let lastTop = calls && calls.firstElementChild ? calls.firstElementChild.textContent : "";

  const item = (parts) => {
    const li = document.createElement("li");
    parts.forEach(([cls, text], i) => {
      if (i) li.appendChild(document.createTextNode(" "));
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      li.appendChild(span);
    });
    return li;
  };

  const draw = (data) => {
    calls.replaceChildren(...data.panggilan.map((c) => item([["call-number", c.nomor], ["call-counter", c.loket]])));
    counters.replaceChildren(...data.loket.map((c) => {
      const li = item([["counter-name", c.loket], ["counter-number", c.nomor || "—"]]);
      li.dataset.status = c.status;
      return li;
    }));
    const top = calls.firstElementChild;
    if (top && top.textContent !== lastTop) top.classList.add("fresh");
    lastTop = top ? top.textContent : "";
    body.dataset.updated = String(Date.now());
  };

  const poll = async () => {
    try {
      const headers = { Accept: "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      const response = await fetch(url, { headers, cache: "no-store" });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        draw(await response.json());
      } else if (response.status !== 304) {
        throw new Error(String(response.status));
      }
      if (offline) offline.hidden = true;
    } catch (err) {
      if (offline) offline.hidden = false;
    }
    window.setTimeout(poll, POLL_MS);
  };
  window.setTimeout(poll, POLL_MS);
})();
