// Live character counter for texts with a limit: every textarea or input carrying both `maxlength` and
// `data-counter` (welfare.common.bounds.counter_attrs) shows "n / limit" after it, in red near the end.
// The server still checks every length (and says the same sentence on the page and in the API); without this
// file the browser's maxlength alone keeps the text within the limit. Content swapped in by HTMX is counted too.
(function () {
  const attach = (root) => {
    root.querySelectorAll("textarea[data-counter][maxlength], input[data-counter][maxlength]").forEach((field) => {
      const limit = Number(field.getAttribute("maxlength"));
      if (!limit || field.dataset.counterReady) return;
      field.dataset.counterReady = "1";
      const counter = document.createElement("small");
      counter.className = "char-counter";
      counter.setAttribute("aria-live", "polite");
      if (field.id) counter.id = `${field.id}_counter`;
      const update = () => {
        const n = field.value.length;
        counter.textContent = `${n.toLocaleString("ko-KR")} / ${limit.toLocaleString("ko-KR")}`;
        counter.classList.toggle("near-limit", n >= limit * 0.9);
      };
      field.insertAdjacentElement("afterend", counter);
      field.addEventListener("input", update);
      update();
    });
  };
  attach(document);
  document.addEventListener("htmx:afterSettle", () => attach(document));
})();
