// Forms marked data-once submit once: a double click or a second tap does not send the form twice.
// (The server is idempotent too; this only spares the user a confusing second request.)
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.submitted === "1") { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  form.querySelectorAll("button[data-once]").forEach((b) => { b.disabled = true; });
}, true);

// No inline handlers (the Content-Security-Policy refuses them): a select marked data-autosubmit submits its
// form when changed (language, district picker; each form has a <noscript> button), a button marked
// data-print opens the print dialog.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("button[data-print]")) window.print();
});

// The header (issue 18): on small screens the menu folds behind a button (without JavaScript it stays open);
// the menu items with work waiting get their count from /nav/counts/ after the page has loaded.
(() => {
  const bar = document.getElementById("topbar");
  const nav = document.getElementById("mainnav");
  const toggle = bar && bar.querySelector(".menu-toggle");
  if (!bar || !nav || !toggle) return;
  bar.classList.add("has-menu");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = !bar.classList.contains("nav-open");
    bar.classList.toggle("nav-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { const first = nav.querySelector("a"); if (first) first.focus(); }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && bar.classList.contains("nav-open")) {
      bar.classList.remove("nav-open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
  const here = window.location.pathname;
  nav.querySelectorAll("a[href]").forEach((a) => {
    const path = new URL(a.href, window.location.href).pathname;
    if (path === here || (path !== "/" && here.startsWith(path))) a.setAttribute("aria-current", "page");
  });
  if (!nav.dataset.counts || !nav.querySelector("[data-count]")) return;
  fetch(nav.dataset.counts, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : null))
    .then((data) => {
      if (!data) return;
      let total = 0;
      nav.querySelectorAll("[data-count]").forEach((a) => {
        const n = data.counts[a.dataset.count];
        if (!n) return;
        total += n;
        const badge = document.createElement("span");
        badge.className = "count";
        badge.dataset.n = String(n);
        badge.textContent = n > 99 ? "99+" : String(n);
        const label = document.createElement("span");
        label.className = "visually-hidden";
        label.textContent = ` (${a.dataset.countLabel || ""} `;
        const tail = document.createElement("span");
        tail.className = "visually-hidden";
        tail.textContent = ")";
        a.append(label, badge, tail);
      });
      const sum = toggle.querySelector("[data-count-total]");
      if (sum && total) { sum.textContent = total > 99 ? "99+" : String(total); sum.hidden = false; }
    })
    .catch(() => {});
})();

// A refused form: the error summary at its top (drawn by the server, or built here for forms drawn by hand)
// takes the focus, and each entry links to its field.
(() => {
  const summaries = Array.from(document.querySelectorAll(".error-summary"));
  document.querySelectorAll("main form").forEach((form) => {
    if (form.querySelector(".error-summary")) return;
    const fields = Array.from(form.querySelectorAll(".field.has-error"));
    if (!fields.length) return;
    const box = document.createElement("div");
    box.className = "error-summary";
    box.tabIndex = -1;
    box.setAttribute("role", "alert");
    const title = document.createElement("h2");
    title.textContent = document.documentElement.lang === "en" ? "Please check the following" : "다음 항목을 확인해 주세요";
    const list = document.createElement("ul");
    fields.forEach((field) => {
      const control = field.querySelector("input:not([type=hidden]), select, textarea");
      const label = field.querySelector("label, legend");
      const error = field.querySelector(".error");
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = control && control.id ? `#${control.id}` : "#";
      a.textContent = `${label ? label.textContent.trim().replace(/:$/, "") : ""}: ${error ? error.textContent.trim() : ""}`;
      li.append(a);
      list.append(li);
    });
    box.append(title, list);
    form.prepend(box);
    summaries.push(box);
  });
  if (summaries.length) summaries[0].focus();
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    const target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
  });
})();

// Ctrl+S (⌘S) saves: it submits the form holding the focus, else the page's one form marked with a
// primary submit button (aria-keyshortcuts tells assistive technology).
document.addEventListener("keydown", (event) => {
  if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "s" || event.altKey) return;
  let form = document.activeElement && document.activeElement.form;
  if (!form) {
    const forms = Array.from(document.querySelectorAll("main form[method=post]")).filter((f) => f.querySelector("button.primary[type=submit], button.primary:not([type])"));
    if (forms.length === 1) form = forms[0];
  }
  if (!form || form.method.toLowerCase() !== "post") return;
  event.preventDefault();
  const button = form.querySelector("button.primary[type=submit], button.primary:not([type]), button[type=submit]");
  if (typeof form.requestSubmit === "function") form.requestSubmit(button || undefined); else form.submit();
});
document.querySelectorAll("main form[method=post] button.primary[type=submit]").forEach((b) => {
  if (!b.hasAttribute("aria-keyshortcuts")) b.setAttribute("aria-keyshortcuts", "Control+S");
});
// A table that scrolls sideways can be scrolled from the keyboard: its box takes the focus.
document.querySelectorAll(".table-wrap").forEach((wrap) => {
  if (wrap.scrollWidth > wrap.clientWidth + 1 && !wrap.hasAttribute("tabindex")) {
    wrap.tabIndex = 0;
    if (!wrap.hasAttribute("role")) wrap.setAttribute("role", "region");
    if (!wrap.hasAttribute("aria-label")) {
      const caption = wrap.querySelector("caption");
      const heading = wrap.previousElementSibling;
      wrap.setAttribute("aria-label", (caption && caption.textContent.trim()) || (heading && /^H[1-6]$/.test(heading.tagName) && heading.textContent.trim()) || document.title);
    }
  }
});
// The error pages' "이전 화면으로": shown only when there is a page to go back to.
document.querySelectorAll("button[data-back]").forEach((b) => {
  if (window.history.length > 1) b.hidden = false;
  b.addEventListener("click", () => window.history.back());
});
// A printable page (households' print views) opens the print dialog by itself.
if (document.querySelector("[data-autoprint]")) window.addEventListener("load", () => window.setTimeout(() => window.print(), 300));

// A form marked data-outcome-form (the report's resolve form) shows only the fieldsets of the chosen outcome
// (data-when); the others are hidden and disabled, so they are not sent. Without JavaScript every fieldset shows.
document.querySelectorAll("form[data-outcome-form]").forEach((form) => {
  const select = form.querySelector("select[name=outcome]");
  if (!select) return;
  const sync = () => {
    form.querySelectorAll("fieldset[data-when]").forEach((set) => {
      const shown = set.dataset.when.split(" ").includes(select.value);
      set.hidden = !shown;
      set.disabled = !shown;
    });
  };
  select.addEventListener("change", sync);
  sync();
});

// Long flat selects (resources, network members…: more than 15 choices) get a search box that narrows the
// options as one types. The select itself stays a plain select, so without JavaScript it works as before
// (and type-ahead jumps to an option).
const PICKER_MIN = 15;
document.querySelectorAll("main form[method=post] select:not([data-autosubmit]):not([data-no-search])").forEach((select) => {
  if (select.options.length <= PICKER_MIN || select.dataset.searchReady) return;
  select.dataset.searchReady = "1";
  const box = document.createElement("input");
  box.type = "search";
  box.className = "picker-search";
  box.autocomplete = "off";
  const label = select.labels && select.labels[0] ? select.labels[0].textContent.trim().replace(/:$/, "") : "";
  const en = document.documentElement.lang === "en";
  box.placeholder = en ? "Type to narrow the list" : "입력해서 목록 좁히기";
  box.setAttribute("aria-label", en ? `Search ${label}` : `${label} 검색`);
  box.setAttribute("aria-controls", select.id || "");
  const count = document.createElement("small");
  count.className = "help picker-count";
  count.setAttribute("aria-live", "polite");
  select.before(box);
  select.after(count);
  box.addEventListener("input", () => {
    const words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    let firstShown = null;
    Array.from(select.options).forEach((option) => {
      const hit = !option.value || words.every((w) => option.text.toLowerCase().includes(w));
      option.hidden = !hit && !option.selected;
      if (hit && option.value) { shown += 1; if (!firstShown) firstShown = option; }
    });
    count.textContent = words.length ? (en ? `${shown} match` : `${shown}개 일치`) : "";
    if (shown === 1 && firstShown && !select.multiple) { select.value = firstShown.value; select.dispatchEvent(new Event("change", { bubbles: true })); }
  });
});
