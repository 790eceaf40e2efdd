// The printable sheets' button (no inline script under the CSP).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
