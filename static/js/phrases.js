// Phrase templates on the visit form (households/visits/_phrases.html): each phrase of the "자주 쓰는 문구" list
// becomes a button that inserts it into the target field (관찰 내용) where the cursor last was, or at the end,
// after a ". " when the text before it ends a sentence without punctuation. The field's maxlength is kept; an
// "input" event lets the character counter (counter.js) and any draft keeper follow. Without this file the list
// stays plain text to read. The list remembers whether it was left open (localStorage, nothing personal).
(function () {
  const OPEN_KEY = "welfare.phrases.open";
  document.querySelectorAll("details[data-phrases]").forEach((box) => {
    const target = document.getElementById(box.dataset.target);
    if (!target) return;
    let caret = null;  // [start, end] when the field last lost focus
    target.addEventListener("blur", () => { caret = [target.selectionStart, target.selectionEnd]; });

    const insert = (phrase, button) => {
      const value = target.value;
      const [start, end] = caret && caret[1] <= value.length ? caret : [value.length, value.length];
      const before = value.slice(0, start);
      const after = value.slice(end);
      let glue = "";
      if (before && !/\s$/.test(before)) glue = /[.!?,。]$/.test(before) ? " " : ". ";
      const tail = after && !/^\s/.test(after) ? " " : "";
      const text = glue + phrase + tail;
      const limit = Number(target.getAttribute("maxlength")) || Infinity;
      if (before.length + text.length + after.length > limit) {
        button.classList.add("phrase-full");
        setTimeout(() => button.classList.remove("phrase-full"), 1200);
        return;
      }
      target.value = before + text + after;
      const at = before.length + glue.length + phrase.length;
      caret = [at, at];
      target.dispatchEvent(new Event("input", { bubbles: true }));
      button.classList.add("phrase-done");
      setTimeout(() => button.classList.remove("phrase-done"), 600);
    };

    box.querySelectorAll("[data-phrase]").forEach((item) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "phrase";
      button.textContent = item.textContent;
      button.addEventListener("click", () => insert(item.textContent, button));
      item.replaceWith(button);
    });

    try { if (localStorage.getItem(OPEN_KEY) === "1") box.open = true; } catch (e) { /* storage off: stay closed */ }
    box.addEventListener("toggle", () => {
      try { localStorage.setItem(OPEN_KEY, box.open ? "1" : "0"); } catch (e) { /* nothing to keep */ }
    });
  });
})();
