// Forms marked data-once submit once: a double click or a second tap does not send the form twice.
// (The server is idempotent too; this only spares the user a confusing second request.)
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.submitted === "1") { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  form.querySelectorAll("button[data-once]").forEach((b) => { b.disabled = true; });
}, true);
