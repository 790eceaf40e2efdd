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
