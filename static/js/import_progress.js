// The batch page's live progress: polls the small JSON endpoint every second while the import runs, moves the
// <progress> bar and the counts, and reloads the page once when it ends (to show the error rows).
// Without JavaScript the page refreshes itself (<noscript> meta refresh) and has a refresh link.
(() => {
  const box = document.getElementById("import-progress");
  if (!box || box.dataset.running !== "1") return;
  const bar = box.querySelector("progress");
  const set = (name, value) => {
    const el = box.querySelector(`[data-field="${name}"]`);
    if (el) el.textContent = value;
  };
  let failures = 0;
  const tick = async () => {
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      failures = 0;
      bar.max = Math.max(data.total, 1);
      bar.value = data.processed;
      bar.textContent = `${data.percent}%`;
      ["status_label", "processed", "total", "created", "duplicates", "errors"].forEach((k) => set(k, data[k]));
      const status = box.querySelector(".status");
      if (status) status.className = `status ${data.status}`;
      if (!data.running) { window.location.reload(); return; }
    } catch (error) {
      failures += 1;
      if (failures > 30) return; // the server is gone: stop; the refresh link still works
    }
    window.setTimeout(tick, 1000);
  };
  window.setTimeout(tick, 1000);
})();
