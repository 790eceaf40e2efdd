// The header's search box: "/" focuses it from anywhere but a text field (as on GitHub and MDN); Escape leaves it.
document.addEventListener("keydown", (event) => {
  const box = document.getElementById("global-search");
  if (!box) return;
  if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey) {
    const target = event.target;
    const typing = target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
    if (!typing) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  } else if (event.key === "Escape" && event.target === box) {
    box.blur();
  }
});
