// Small behaviours of the shell; the rest of the interactivity comes from htmx attributes.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-menu-toggle]");
  const dropdown = document.getElementById("search-dropdown");
  if (dropdown && !event.target.closest(".global-search")) dropdown.innerHTML = "";
  if (toggle) {
    const sidebar = document.getElementById("sidebar");
    const open = sidebar.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  }
});
// Buttons that ask before acting: <button data-confirm="Supprimer cet échange ?">. No inline onclick: the
// Content-Security-Policy forbids inline code.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
// Sections open on a wide screen that a phone shows folded (the home page's to-do groups but the first, the
// modules' tiles that repeat the menu): without JavaScript they simply stay open.
if (window.matchMedia("(max-width: 800px)").matches) {
  document.querySelectorAll("details[data-narrow-closed]").forEach((details) => { details.open = false; });
}
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    const dropdown = document.getElementById("search-dropdown");
    if (dropdown) dropdown.innerHTML = "";
  }
});

// Search-as-you-type pickers (core.pickers.SearchSelect): typing asks the kind's search URL through htmx;
// ↑/↓ move, Entrée chooses, Échap closes; choosing fills the hidden input and fires « change » on it.
// Delegated on the document, so rows added later (the sales line editor clones rows) work as well.
(() => {
  let counter = 0;
  const timers = new WeakMap();
  const parts = (el) => {
    const root = el && el.closest && el.closest("[data-picker]");
    if (!root) return null;
    return { root, value: root.querySelector("[data-picker-value]"), input: root.querySelector("[data-picker-input]"),
             list: root.querySelector("[data-picker-list]") };
  };
  const options = (p) => [...p.list.querySelectorAll("[role=option]")];
  const close = (p) => {
    clearTimeout(timers.get(p.input));
    p.root.dataset.waiting = "";
    p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  };
  const activate = (p, option) => {
    options(p).forEach((o) => o.setAttribute("aria-selected", String(o === option)));
    if (option) {
      p.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  };
  const load = (p) => {
    if (!p.list.id || document.querySelectorAll(`[id="${p.list.id}"]`).length > 1) p.list.id = `picker-${++counter}`;
    p.input.setAttribute("aria-controls", p.list.id);
    p.root.dataset.waiting = "1";  // an answer may open the list until a choice, Échap or leaving the box
    const url = `${p.root.dataset.url}?q=${encodeURIComponent(p.input.value.trim())}`;
    htmx.ajax("GET", url, { target: p.list, swap: "innerHTML" });
  };
  document.addEventListener("htmx:afterSwap", (event) => {
    if (!event.target.matches || !event.target.matches("[data-picker-list]")) return;
    const p = parts(event.target);
    if (!p.root.dataset.waiting) return;
    options(p).forEach((o, i) => { o.id = `${p.list.id}-${i}`; });
    p.list.hidden = false;
    p.input.setAttribute("aria-expanded", "true");
    activate(p, p.value.value ? null : options(p)[0]);
  });
  const choose = (p, option) => {
    p.value.value = option.dataset.value;
    p.input.value = option.dataset.label;
    close(p);
    p.value.dispatchEvent(new Event("change", { bubbles: true }));
  };
  document.addEventListener("input", (event) => {
    if (!event.target.matches("[data-picker-input]")) return;
    const p = parts(event.target);
    if (p.value.value) {  // typing again undoes the choice until a row is chosen
      p.value.value = "";
      p.value.dispatchEvent(new Event("change", { bubbles: true }));
    }
    clearTimeout(timers.get(p.input));
    timers.set(p.input, setTimeout(() => load(p), 200));
  });
  document.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-picker-input]")) {
      const p = parts(event.target);
      if (p.list.hidden) load(p);
    }
  });
  document.addEventListener("focusout", (event) => {
    if (!event.target.matches("[data-picker-input]")) return;
    const p = parts(event.target);
    setTimeout(() => { if (!p.root.contains(document.activeElement)) close(p); }, 150);
  });
  document.addEventListener("keydown", (event) => {
    if (!event.target.matches("[data-picker-input]")) return;
    const p = parts(event.target);
    const all = options(p);
    const current = all.findIndex((o) => o.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (p.list.hidden) { load(p); return; }
      const step = event.key === "ArrowDown" ? 1 : -1;
      activate(p, all[Math.min(Math.max(current + step, 0), all.length - 1)]);
    } else if (event.key === "Enter" && !p.list.hidden && current >= 0) {
      event.preventDefault();
      choose(p, all[current]);
    } else if (event.key === "Escape" && !p.list.hidden) {
      event.preventDefault();
      close(p);
    }
  });
  document.addEventListener("mousedown", (event) => {
    if (event.target.closest("[data-picker-list]")) event.preventDefault();  // keep the focus in the box
  });
  document.addEventListener("click", (event) => {
    const option = event.target.closest("[data-picker-list] [role=option]");
    if (option) choose(parts(option), option);
  });
})();

// Typed-code boxes (core.pickers.datalist_attrs): their <datalist> follows what is typed instead of
// carrying every account in the page.
(() => {
  const timers = new WeakMap();
  const load = (box) => {
    if (!box.list) return;
    const url = `${box.dataset.datalistUrl}?format=datalist&q=${encodeURIComponent(box.value.trim())}`;
    htmx.ajax("GET", url, { target: box.list, swap: "innerHTML" });
  };
  document.addEventListener("input", (event) => {
    const box = event.target;
    if (!box.matches || !box.matches("[data-datalist-url]")) return;
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(() => load(box), 150));
  });
  document.addEventListener("focusin", (event) => {
    const box = event.target;
    if (box.matches && box.matches("[data-datalist-url]") && box.list && !box.list.children.length) load(box);
  });
})();

// A refusal answered to an htmx request (409 from core.middleware.FriendlyErrorsMiddleware: its French
// sentence as plain text) is shown at the top of the page like any other error message.
document.addEventListener("htmx:responseError", (event) => {
  const xhr = event.detail.xhr;
  if (xhr.status !== 409 || !(xhr.getResponseHeader("Content-Type") || "").startsWith("text/plain")) return;
  const main = document.querySelector("main.content");
  if (!main) return;
  const box = document.createElement("div");
  box.className = "messages";
  box.setAttribute("role", "alert");
  const message = document.createElement("div");
  message.className = "message message-error";
  message.textContent = xhr.responseText;
  box.appendChild(message);
  main.prepend(box);
});
