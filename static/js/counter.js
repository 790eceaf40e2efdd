// Live character counter for texts with a limit: every textarea or input carrying both `maxlength` and
// `data-counter` (welfare.common.bounds.counter_attrs) shows "n / limit" under it, in red near the end.
// The server still checks every length (and says the same sentence on the page and in the API); without this
// file the browser's maxlength alone keeps the text within the limit.
(function () {
  const fields = document.querySelectorAll("textarea[data-counter][maxlength], input[data-counter][maxlength]");
  fields.forEach((field) => {
    const limit = Number(field.getAttribute("maxlength"));
    if (!limit) return;
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
})();
