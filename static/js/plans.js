// Plan editor: budget totals per department and per funding source follow what the planner types in the task
// forms, before saving. The page works without this file: the server renders the same totals on every
// response (plans.selectors.budget_totals).
(function () {
  const totals = () => document.querySelector("[data-totals]");
  const money = (text) => Number(String(text || "").replace(/[^\d-]/g, "")) || 0;
  const fmt = (n) => n.toLocaleString("ko-KR");

  function item(el) {
    const form = el.matches("form") ? el : null;
    if (!form) return { budget: money(el.dataset.budget), department: el.dataset.department, source: el.dataset.source };
    const select = form.querySelector("[name=department]");
    const typed = (form.querySelector("[name=new_department]")?.value || "").trim();
    const chosen = select && select.value ? select.options[select.selectedIndex].text : "";
    return {
      budget: money(form.querySelector("[name=budget_krw]")?.value),
      department: typed || chosen,
      source: form.querySelector("[name=funding_source]")?.value,
    };
  }

  function rows(body, entries) {
    body.replaceChildren(...entries.map(([name, amount]) => {
      const tr = document.createElement("tr");
      const a = document.createElement("td");
      const b = document.createElement("td");
      a.textContent = name;
      b.textContent = fmt(amount);
      b.className = "num";
      tr.append(a, b);
      return tr;
    }));
  }

  function recompute() {
    const box = totals();
    if (!box) return;
    const labels = JSON.parse(box.querySelector("[data-source-labels]")?.textContent || "{}");
    const byDept = new Map();
    const bySource = new Map();
    let sum = 0;
    document.querySelectorAll("[data-budget-item]").forEach((el) => {
      const it = item(el);
      // A blank "new task" form adds nothing until something is typed in it.
      if (el.matches("form") && !el.querySelector("[name=title]")?.value && !it.budget) return;
      const dept = it.department || "—";
      byDept.set(dept, (byDept.get(dept) || 0) + it.budget);
      bySource.set(it.source, (bySource.get(it.source) || 0) + it.budget);
      sum += it.budget;
    });
    rows(box.querySelector("[data-totals-department]"), [...byDept].sort((x, y) => x[0].localeCompare(y[0], "ko")));
    const order = Object.keys(labels);
    rows(box.querySelector("[data-totals-source]"),
      order.filter((code) => bySource.has(code)).map((code) => [labels[code], bySource.get(code)]));
    box.querySelectorAll("[data-totals-sum]").forEach((cell) => { cell.textContent = fmt(sum); });
    const live = box.querySelector("[data-totals-live]");
    if (live) live.hidden = !document.querySelector("form[data-task-form] [data-dirty]");
  }

  document.addEventListener("input", (event) => {
    const form = event.target.closest("form[data-task-form]");
    if (!form) return;
    event.target.dataset.dirty = "1";
    recompute();
  });
  document.addEventListener("change", (event) => {
    if (event.target.closest("form[data-task-form]")) recompute();
  });
  // After HTMX swaps (a task saved, an area moved), the server's totals are fresh; recompute keeps any
  // other form still being typed in.
  document.body.addEventListener("htmx:afterSettle", () => {
    if (document.querySelector("form[data-task-form] [data-dirty]")) recompute();
  });
})();
