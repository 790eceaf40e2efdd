// Visit form: show the death/move questions only for those results, and follow the cadence proposal when the
// risk level or the visit day changes (unless the official typed their own date). Isolation form: live score.
// Every page works without this file; the server computes the same values.
(function () {
  const pad = (n) => String(n).padStart(2, "0");
  const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

  const visit = document.querySelector("form[data-visit-form]");
  if (visit) {
    const result = visit.querySelector("[name=contact_result]");
    const outcome = visit.querySelector("[data-visit-outcome]");
    const ending = (outcome.dataset.results || "").split(" ");
    const toggle = () => { outcome.hidden = !ending.includes(result.value); };
    result.addEventListener("change", toggle);
    toggle();

    const risk = visit.querySelector("[name=risk_level]");
    const when = visit.querySelector("[name=visited_at]");
    const next = visit.querySelector("[name=next_contact_on]");
    const help = document.getElementById(`${next.id}_help`);
    const propose = () => {
      const days = Number(visit.dataset[`days${risk.value.charAt(0).toUpperCase()}${risk.value.slice(1)}`]);
      const label = visit.dataset[`label${risk.value.charAt(0).toUpperCase()}${risk.value.slice(1)}`];
      const base = when.value ? new Date(`${when.value.slice(0, 10)}T00:00:00`) : new Date();
      base.setDate(base.getDate() + days);  // calendar days, month ends included
      return { on: iso(base), label, days };
    };
    let last = propose().on;
    const update = () => {
      const p = propose();
      if (!next.value || next.value === last) next.value = p.on;
      last = p.on;
      if (help) help.textContent = visit.dataset.proposalText.replace("{on}", p.on).replace("{risk}", p.label).replace("{days}", p.days);
    };
    risk.addEventListener("change", update);
    when.addEventListener("change", update);
  }

  const screening = document.querySelector("form[data-isolation-form]");
  if (screening) {
    const items = screening.querySelectorAll(".isolation-items input[type=checkbox]");
    const score = screening.querySelector("[data-score]");
    const risk = screening.querySelector("[data-risk]");
    // The bands come from the server (households.models.ISOLATION_BANDS): "highest score:risk" pairs in order.
    const bands = (screening.dataset.bands || "").split(" ").filter(Boolean).map((pair) => {
      const [high, level] = pair.split(":");
      return [Number(high), level];
    });
    const band = (n) => (bands.find(([high]) => n <= high) || bands[bands.length - 1] || [0, "low"])[1];
    const update = () => {
      const n = Array.from(items).filter((i) => i.checked).length;
      score.textContent = n;
      risk.textContent = screening.dataset[`label${band(n).charAt(0).toUpperCase()}${band(n).slice(1)}`];
    };
    items.forEach((i) => i.addEventListener("change", update));
  }
})();
