// The kiosk's on-screen keyboard: our own, no library. It opens under any text field of a kiosk page
// when the field gets focus (by touch or mouse), types at the caret, and closes with its own key or when
// the kiosk goes idle. Keys act on pointerdown and cancel it, so the field keeps its focus and caret;
// a physical keyboard keeps working as usual. Each key press fires an `input` event, so whatever listens
// to the field (the live search) sees typed and tapped letters alike.
"use strict";

(() => {
  const body = document.body;
  if (!body.classList.contains("kiosk")) return;
  const label = (name, fallback) => body.getAttribute("data-kb-" + name) || fallback;
  const ROWS = [
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-"],
    ["q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "/"],
    ["a", "s", "d", "f", "g", "h", "j", "k", "l", "'", "."],
    ["shift", "z", "x", "c", "v", "b", "n", "m", ",", "backspace"],
    ["clear", "space", "close", "enter"],
  ];
  const FIELDS = "input[type=search], input[type=text], input:not([type]), textarea";
  let target = null;
  let upper = false;

  const board = document.createElement("div");
  board.className = "osk";
  board.hidden = true;
  board.setAttribute("role", "group");
  board.setAttribute("aria-label", label("name", "Keyboard"));

  const names = {
    shift: label("shift", "⇧"),
    backspace: label("backspace", "⌫"),
    clear: label("clear", "Clear"),
    space: label("space", "Space"),
    close: label("close", "Close"),
    enter: label("enter", "OK"),
  };

  const keys = [];
  ROWS.forEach((row) => {
    const line = document.createElement("div");
    line.className = "osk-row";
    row.forEach((key) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "osk-key osk-" + (key.length > 1 ? key : "char");
      button.dataset.key = key;
      button.textContent = names[key] || key;
      button.tabIndex = -1; // the field keeps the keyboard focus; the keys are for fingers and mice
      line.appendChild(button);
      keys.push(button);
    });
    board.appendChild(line);
  });
  document.body.appendChild(board);

  const setUpper = (on) => {
    upper = on;
    keys.forEach((k) => {
      if (k.dataset.key.length === 1) k.textContent = on ? k.dataset.key.toUpperCase() : k.dataset.key;
    });
    board.classList.toggle("osk-upper", on);
  };

  const changed = () => target.dispatchEvent(new Event("input", { bubbles: true }));

  const insert = (text) => {
    const start = target.selectionStart ?? target.value.length;
    const end = target.selectionEnd ?? target.value.length;
    const max = target.maxLength > 0 ? target.maxLength : Infinity;
    if (target.value.length - (end - start) + text.length > max) return;
    target.value = target.value.slice(0, start) + text + target.value.slice(end);
    const caret = start + text.length;
    target.setSelectionRange?.(caret, caret);
    changed();
  };

  const backspace = () => {
    const start = target.selectionStart ?? target.value.length;
    const end = target.selectionEnd ?? target.value.length;
    const from = start === end ? Math.max(0, start - 1) : start;
    target.value = target.value.slice(0, from) + target.value.slice(end);
    target.setSelectionRange?.(from, from);
    changed();
  };

  const open = (field) => {
    target = field;
    board.hidden = false;
    body.classList.add("osk-open");
  };

  const close = () => {
    board.hidden = true;
    body.classList.remove("osk-open");
    setUpper(false);
    if (target) target.blur();
    target = null;
  };

  board.addEventListener("pointerdown", (event) => {
    const key = event.target.closest(".osk-key");
    event.preventDefault(); // keep the focus (and the caret) in the field
    if (!key || !target) return;
    const name = key.dataset.key;
    if (name === "shift") setUpper(!upper);
    else if (name === "backspace") backspace();
    else if (name === "clear") { target.value = ""; changed(); }
    else if (name === "space") insert(" ");
    else if (name === "close") close();
    else if (name === "enter") {
      const form = target.form;
      if (target.tagName === "TEXTAREA") insert("\n");
      else if (form) { close(); form.requestSubmit(); }
      else close();
    } else {
      insert(upper ? name.toUpperCase() : name);
      if (upper) setUpper(false);
    }
  });

  document.addEventListener("focusin", (event) => {
    const field = event.target;
    if (field instanceof HTMLElement && field.matches(FIELDS) && !field.readOnly) open(field);
  });
  // Touching anything outside the field and the keyboard puts the keyboard away.
  document.addEventListener("pointerdown", (event) => {
    if (!target || board.contains(event.target) || event.target === target) return;
    close();
  });

  window.spbeKeyboard = { close };
})();
