// The kiosk: after a while with nobody touching the screen, go back to the home screen with an empty
// search, so nothing of the last person's visit stays on screen.
"use strict";

(() => {
  const body = document.body;
  const home = body.getAttribute("data-kiosk-home");
  const seconds = Number(body.getAttribute("data-idle-seconds") || "60");
  if (!home) return;
  let timer = null;
  const reset = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      const here = window.location.pathname + window.location.search;
      if (here === home) {
        const search = document.getElementById("q");
        if (search) search.value = "";
        window.scrollTo(0, 0);
      } else {
        window.location.replace(home);
      }
    }, seconds * 1000);
  };
  ["pointerdown", "keydown", "touchstart", "scroll"].forEach((name) =>
    document.addEventListener(name, reset, { passive: true }),
  );
  reset();
})();
