// OpenSPBE pages: small progressive enhancements. Everything works without this file too.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("mainnav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // On a phone the module bar scrolls sideways: bring the current page's item into view.
  const current = document.querySelector(".subnav [aria-current]");
  if (current && current.parentElement.scrollWidth > current.parentElement.clientWidth) {
    current.scrollIntoView({ block: "nearest", inline: "center" });
  }

  // "Print" buttons (the service standard page): the print stylesheet keeps only the content.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });

  // A background job's progress: poll its JSON status and move the bar until it is finished.
  document.querySelectorAll("[data-job-status]").forEach((box) => {
    const url = box.getAttribute("data-job-status");
    const bar = box.querySelector("progress");
    const label = box.querySelector(".job-label");
    const state = box.querySelector(".job-state");
    const poll = async () => {
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(String(response.status));
        const job = await response.json();
        if (bar) { bar.max = 100; bar.value = job.percent; }
        if (label) label.textContent = job.percent + "% — " + job.message;
        if (state) state.textContent = job.status_label;
        box.dataset.state = job.status;
        if (job.status === "done" || job.status === "failed") return;
      } catch (err) {
        if (label) label.textContent = String(err);
      }
      window.setTimeout(poll, 1000);
    };
    poll();
  });
});
